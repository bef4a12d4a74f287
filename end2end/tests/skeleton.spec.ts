// The walking skeleton, as a user meets it: sign in, submit through the API, watch the
// job pass in the dashboard; and proof that the page is a live (hydrated) app.
import { expect, test } from '@playwright/test';
import { firstAccount, newAccount, signIn, submitJob, waitForHydration } from '../support/server';

test.beforeEach(async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { consoleErrors: string[] }).consoleErrors = errors;
});

test.afterEach(async ({ page }) => {
  expect((page as unknown as { consoleErrors: string[] }).consoleErrors, 'browser console errors').toEqual([]);
});

test('the first-start sign-in link signs in once', async ({ page }) => {
  const { signInLink } = firstAccount();
  await page.goto(signInLink);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(signInLink);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('already been used');
});

test('a wrong API key is refused with a message', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('API key').fill('ccj_not_a_real_key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That API key is not valid');
});

test('a job submitted through the API shows up and reaches passed', async ({ page, request }) => {
  const { apiKey } = newAccount();
  await signIn(page, apiKey);
  await waitForHydration(page);
  await expect(page.getByText('No jobs yet')).toBeVisible();

  const job = await submitJob(request, apiKey);
  const row = page.getByRole('row').filter({ hasText: job.id });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row.getByText('passed', { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  for (const column of ['Job ID', 'Submitted', 'Type', 'Source profile', 'Target profile', 'Frame rate', 'Status', 'Error']) {
    await expect(page.getByRole('columnheader', { name: column, exact: true })).toBeVisible();
  }
  await expect(row.getByRole('cell', { name: 'SubRip Video Subtitle Script' })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'WebVTT' })).toBeVisible();

  const target = await request.get(`/jobs/${job.id}/files/target`, { headers: { 'x-api-key': apiKey } });
  expect(await target.text()).toBe(
    'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello <i>world</i>\n\n2\n00:00:03.000 --> 00:00:04.000\nTom &amp; Jerry\n',
  );
});

test('Refresh updates the table in place, without reloading the page', async ({ page, request }) => {
  const { apiKey } = newAccount();
  await submitJob(request, apiKey, undefined, 'first.srt');
  await signIn(page, apiKey);
  await waitForHydration(page);
  await expect(page.getByRole('row')).toHaveCount(2);

  // A full page load would wipe this; a hydrated app's Refresh keeps it.
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'still here'));
  const second = await submitJob(request, apiKey, undefined, 'second.srt');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('row').filter({ hasText: second.id })).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(3);
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('still here');
  // Newest first.
  await expect(page.getByRole('row').nth(1)).toContainText(second.id);
});

test('accounts see only their own jobs', async ({ page, request }) => {
  const alice = newAccount();
  const bob = newAccount();
  const alicesJob = await submitJob(request, alice.apiKey);
  const bobsJob = await submitJob(request, bob.apiKey);
  await signIn(page, bob.apiKey);
  await expect(page.getByRole('row').filter({ hasText: bobsJob.id })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: alicesJob.id })).toHaveCount(0);
});
