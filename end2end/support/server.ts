// Where the test server runs, and helpers that talk to it as a user's scripts would.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';

export const port = Number(process.env.E2E_PORT ?? 3917);
export const baseURL = `http://127.0.0.1:${port}`;
export const stateDir = path.join(__dirname, '..', '.state');
export const databaseUrl = `sqlite://${path.join(stateDir, 'e2e.db')}`;
export const bin = process.env.CCJOBS_BIN ?? path.join(__dirname, '..', '..', 'target', 'debug', 'ccjobs');

export const SRT = '1\n00:00:01,000 --> 00:00:02,500\nHello <i>world</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nTom & Jerry\n';
export const CONVERT = JSON.stringify({
  job_type: 'convert',
  source_profile: 'SubRip Video Subtitle Script',
  target_profile: 'WebVTT',
});

export interface Credentials {
  apiKey: string;
  signInLink: string;
}

/** Parses what the server prints for a new account. */
export function parseBanner(text: string): Credentials | null {
  const key = text.match(/API key \(shown once; keep it safe\): (ccj_[0-9a-f]+)/);
  const link = text.match(/Sign-in link \(one-time, valid 24 hours\): (\S+)/);
  return key && link ? { apiKey: key[1], signInLink: link[1] } : null;
}

/** The account the server created on first start (written by global-setup). */
export function firstAccount(): Credentials {
  return JSON.parse(fs.readFileSync(path.join(stateDir, 'first-account.json'), 'utf8'));
}

let accounts = 0;
/** A fresh account per test, made with the real CLI against the server's database. */
export function newAccount(): Credentials {
  accounts += 1;
  const name = `e2e-${process.pid}-${Date.now()}-${accounts}`;
  const out = execFileSync(bin, ['account', 'create', name, '--database', databaseUrl, '--bind', `127.0.0.1:${port}`], {
    encoding: 'utf8',
  });
  const credentials = parseBanner(out);
  if (!credentials) throw new Error(`ccjobs account create printed no credentials:\n${out}`);
  return credentials;
}

/** Submits a job exactly as the README's curl command does. */
export async function submitJob(request: APIRequestContext, apiKey: string, srt = SRT, name = 'in.srt') {
  const response = await request.post('/jobs', {
    headers: { 'x-api-key': apiKey },
    multipart: {
      config: CONVERT,
      source: { name, mimeType: 'application/x-subrip', buffer: Buffer.from(srt) },
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; status: string };
}

/** Signs in through the sign-in page by pasting the API key. */
export async function signIn(page: Page, apiKey: string) {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
}

/** Waits until the WASM app has taken over the server-rendered page. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}
