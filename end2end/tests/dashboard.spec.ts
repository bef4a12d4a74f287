// The Job Status Dashboard, feature by feature, in Debian's chromium against the real
// server and database. Elements are found by role and accessible name.
import { expect, test, type Page } from '@playwright/test';
import { newAccount, signIn, submitJob, waitForHydration } from '../support/server';

const BAD_SRT = '1\n00:00:01 --> 2\nnot a timing line\n';

async function waitUntilEnded(request: import('@playwright/test').APIRequestContext, apiKey: string, id: string) {
  await expect
    .poll(async () => (await (await request.get(`/jobs/${id}`, { headers: { 'x-api-key': apiKey } })).json()).status, {
      timeout: 10_000,
    })
    .toMatch(/passed|failed/);
}

function rows(page: Page) {
  return page.locator('tbody tr');
}

test.beforeEach(async ({ page }) => {
  page.on('dialog', (d) => {
    throw new Error(`unexpected browser dialog: ${d.message()}`);
  });
});

test('filters live in the URL, filter in the database, and Back restores the view', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const good = await submitJob(request, apiKey, undefined, 'good.srt');
  const bad = await submitJob(request, apiKey, BAD_SRT, 'broken.srt');
  await waitUntilEnded(request, apiKey, good.id);
  await waitUntilEnded(request, apiKey, bad.id);
  await signIn(page, apiKey);
  await waitForHydration(page);
  await expect(rows(page)).toHaveCount(2);

  await page.getByLabel('Status').selectOption('failed');
  await expect(page).toHaveURL(/\?status=failed$/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(bad.id);
  await expect(rows(page).first().getByText('failed', { exact: true })).toBeVisible();

  await page.getByLabel('Job type').selectOption('translate');
  await expect(page).toHaveURL(/type=translate/);
  await expect(page.getByText('No jobs match these filters')).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\?status=failed$/);
  await expect(rows(page)).toHaveCount(1);
  await expect(page.getByLabel('Status')).toHaveValue('failed');
  await page.goBack();
  await expect(rows(page)).toHaveCount(2);

  await page.getByLabel('Search').fill('good.sr');
  await page.getByLabel('Search').press('Enter');
  await expect(page).toHaveURL(/q=good\.sr/);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(good.id);
  await page.getByLabel('Search').fill(bad.id.slice(0, 12));
  await page.getByLabel('Search').press('Enter');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(bad.id);

  // A bookmarked view opens as it was left.
  await page.goto('/?type=translate');
  await expect(page.getByText('No jobs match these filters')).toBeVisible();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(rows(page)).toHaveCount(2);

  await page.getByLabel('Date range').selectOption('custom');
  await expect(page.getByLabel('From', { exact: true })).toBeVisible();
  await expect(page.getByLabel('To', { exact: true })).toBeVisible();
  await page.getByLabel('To', { exact: true }).fill('2001-01-01');
  await expect(page).toHaveURL(/range=custom&to=2001-01-01/);
  await expect(page.getByText('No jobs match these filters')).toBeVisible();
  await page.getByLabel('Date range').selectOption('24h');
  await expect(rows(page)).toHaveCount(2);

  // A URL the server cannot read says why and offers a way out.
  await page.goto('/?size=30');
  await expect(page.getByRole('alert')).toContainText('size "30" is not allowed; use 25, 50 or 100');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows(page)).toHaveCount(2);
});

test('follows the system colour scheme', async ({ page }) => {
  const { apiKey } = newAccount();
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, apiKey);
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).toBe('rgb(247, 248, 250)');
  expect(dark).toBe('rgb(15, 17, 21)');
});

test('pages of 25, 50 or 100 rows; the choice is remembered', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const ids: string[] = [];
  for (let n = 0; n < 30; n++) ids.push((await submitJob(request, apiKey, undefined, `f${n}.srt`)).id);
  ids.reverse();
  await signIn(page, apiKey);
  await waitForHydration(page);
  await expect(rows(page)).toHaveCount(25);
  await expect(page.getByText('1–25 of 30')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  await expect(rows(page).first()).toContainText(ids[0]);

  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText('26–30 of 30')).toBeVisible();
  await expect(rows(page)).toHaveCount(5);
  await expect(rows(page).first()).toContainText(ids[25]);
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByText('1–25 of 30')).toBeVisible();

  await page.getByLabel('Rows per page').selectOption('50');
  await expect(rows(page)).toHaveCount(30);
  await expect(page.getByText('1–30 of 30')).toBeVisible();
  await page.goto('/');
  await waitForHydration(page);
  await expect(page.getByLabel('Rows per page')).toHaveValue('50');
  await expect(rows(page)).toHaveCount(30);
});

test('Refresh and Auto-refresh keep filters, page and focus; auto-refresh pauses behind a dialog', async ({ page, request }) => {
  await page.clock.install();
  const { apiKey } = newAccount();
  await submitJob(request, apiKey, undefined, 'one.srt');
  await signIn(page, apiKey);
  await page.goto('/?type=convert');
  await waitForHydration(page);
  await expect(rows(page)).toHaveCount(1);
  await expect(page.getByText(/Last updated/)).toBeVisible();

  const auto = page.getByLabel('Auto-refresh (15s)');
  await auto.check();
  await expect(auto).toBeChecked();
  await submitJob(request, apiKey, undefined, 'two.srt');
  await page.clock.fastForward(14_000);
  await expect(rows(page)).toHaveCount(1);
  await page.clock.fastForward(2_000);
  await expect(rows(page)).toHaveCount(2);
  await expect(page).toHaveURL(/\?type=convert$/);
  await expect(auto).toBeFocused();

  // While a dialog is open nothing moves under it.
  await rows(page).first().getByRole('button', { name: 'View JSON' }).click();
  await expect(page.getByRole('dialog', { name: 'Job JSON' })).toBeVisible();
  await submitJob(request, apiKey, undefined, 'three.srt');
  await page.clock.fastForward(31_000);
  await page.getByRole('dialog', { name: 'Job JSON' }).getByRole('button', { name: 'Close' }).click();
  await expect(rows(page)).toHaveCount(2);
  await page.clock.fastForward(16_000);
  await expect(rows(page)).toHaveCount(3);

  // The preference survives a reload.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel('Auto-refresh (15s)')).toBeChecked();
  await page.getByLabel('Auto-refresh (15s)').uncheck();
  await submitJob(request, apiKey, undefined, 'four.srt');
  await page.clock.fastForward(31_000);
  await expect(rows(page)).toHaveCount(3);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(rows(page)).toHaveCount(4);
});

test('View JSON shows the API response, copies it, and closes back to its button', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { apiKey } = newAccount();
  const job = await submitJob(request, apiKey);
  await waitUntilEnded(request, apiKey, job.id);
  await signIn(page, apiKey);
  await waitForHydration(page);
  const opener = rows(page).first().getByRole('button', { name: 'View JSON' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Job JSON' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`"id": "${job.id}"`);
  await expect(dialog).toContainText('"status": "passed"');
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  const api = await (await request.get(`/jobs/${job.id}`, { headers: { 'x-api-key': apiKey } })).json();
  expect(copied).toEqual(api);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await opener.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Copy' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
});

test('Download offers the files a job has, with sensible names', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const good = await submitJob(request, apiKey, undefined, 'episode 7.srt');
  const bad = await submitJob(request, apiKey, BAD_SRT, 'broken.srt');
  await waitUntilEnded(request, apiKey, good.id);
  await waitUntilEnded(request, apiKey, bad.id);
  await signIn(page, apiKey);
  await waitForHydration(page);

  const goodRow = rows(page).filter({ hasText: good.id });
  await goodRow.getByText('Download').click();
  for (const [name, file] of [['Target file', 'episode 7.vtt'], ['Source file', 'episode 7.srt'], ['Job response', `${good.id}.json`]]) {
    const [download] = await Promise.all([page.waitForEvent('download'), goodRow.getByRole('link', { name }).click()]);
    expect(download.suggestedFilename()).toBe(file);
  }
  const badRow = rows(page).filter({ hasText: bad.id });
  await badRow.getByText('Download').click();
  await expect(badRow.getByRole('link', { name: 'Source file' })).toBeVisible();
  await expect(badRow.getByRole('link', { name: 'Target file' })).toHaveCount(0);
});

test('Retry makes a linked job at the top; Delete asks, then removes job and files', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const job = await submitJob(request, apiKey);
  await waitUntilEnded(request, apiKey, job.id);
  await signIn(page, apiKey);
  await waitForHydration(page);
  await rows(page).filter({ hasText: job.id }).getByRole('button', { name: 'Retry' }).click();
  await expect(rows(page)).toHaveCount(2);
  const retryId = (await rows(page).first().getAttribute('data-job-id'))!;
  expect(retryId).not.toBe(job.id);
  const retried = await (await request.get(`/jobs/${retryId}`, { headers: { 'x-api-key': apiKey } })).json();
  expect(retried.retry_of).toBe(job.id);

  const row = rows(page).filter({ hasText: job.id });
  await row.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete job' });
  await expect(confirm).toContainText(job.id);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(rows(page)).toHaveCount(2);
  await row.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).filter({ hasText: job.id })).toHaveCount(0);
  for (const kind of ['source', 'target', 'response']) {
    const r = await request.get(`/jobs/${job.id}/files/${kind}`, { headers: { 'x-api-key': apiKey } });
    expect(r.status()).toBe(404);
  }
});

test('Open in Closed Caption Creator is offered on passed jobs only', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const good = await submitJob(request, apiKey);
  const bad = await submitJob(request, apiKey, BAD_SRT);
  await waitUntilEnded(request, apiKey, good.id);
  await waitUntilEnded(request, apiKey, bad.id);
  await signIn(page, apiKey);
  const link = rows(page).filter({ hasText: good.id }).getByRole('link', { name: 'Open in Closed Caption Creator' });
  await expect(link).toHaveAttribute('href', `/jobs/${good.id}/editor`);
  await expect(rows(page).filter({ hasText: bad.id }).getByRole('link', { name: 'Open in Closed Caption Creator' })).toHaveCount(0);
  const hand_off = await page.request.get(`/jobs/${good.id}/editor`, { maxRedirects: 0 });
  expect(hand_off.status()).toBe(303);
  const location = hand_off.headers()['location'];
  expect(location.startsWith('https://app.closedcaptioncreator.com/workorder?description=')).toBe(true);
  const order = JSON.parse(decodeURIComponent(location.split('description=')[1]));
  const signed = new URL(order.caption_file.url);
  const file = await request.get(signed.pathname + signed.search);
  expect(await file.text()).toContain('WEBVTT');
});

test('the detail view shows a failed job’s full error next to its Job Description', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const bad = await submitJob(request, apiKey, BAD_SRT, 'broken.srt');
  await waitUntilEnded(request, apiKey, bad.id);
  await signIn(page, apiKey);
  await rows(page).getByRole('link', { name: bad.id }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${bad.id}$`));
  const error = page.getByRole('region', { name: 'Error' });
  await expect(error).toContainText('line 2: expected a timing line');
  await expect(error).toContainText("set source_profile to the file's real format");
  await expect(page.getByRole('region', { name: 'Job Description' })).toContainText('"source_profile": "SubRip Video Subtitle Script"');
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('broken.srt');
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline).toContainText('Submitted');
  await expect(timeline).toContainText('Duration');

  await waitForHydration(page);
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page).not.toHaveURL(new RegExp(`/jobs/${bad.id}$`));
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('Retried from');
  await page.getByRole('link', { name: bad.id }).click();
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('Retried as');
});

test('Export CSV downloads the whole filtered view', async ({ page, request }) => {
  const { apiKey } = newAccount();
  for (let n = 0; n < 27; n++) await submitJob(request, apiKey, undefined, `ok${n}.srt`);
  const bad = await submitJob(request, apiKey, BAD_SRT, 'broken.srt');
  await waitUntilEnded(request, apiKey, bad.id);
  await signIn(page, apiKey);
  await waitForHydration(page);
  let [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^ccjobs-jobs-\d{4}-\d{2}-\d{2}\.csv$/);
  const all = require('node:fs').readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(all.length).toBe(1 + 28);

  await page.getByLabel('Status').selectOption('failed');
  await expect(rows(page)).toHaveCount(1);
  [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const failed = require('node:fs').readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(failed.length).toBe(2);
  expect(failed[1]).toContain(bad.id);
});

test('a signed-out visitor is sent to sign in and brought back to the same view', async ({ page }) => {
  const { apiKey } = newAccount();
  await page.goto('/?status=failed');
  await expect(page).toHaveURL(/\/sign-in\?next=%2F%3Fstatus%3Dfailed/);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/\?status=failed$/);
  await expect(page.getByLabel('Status')).toHaveValue('failed');
});

test('markup in file names and errors shows as text and never runs', async ({ page, request }) => {
  const { apiKey } = newAccount();
  const hostile = '<img src=x onerror=alert(1)>.srt';
  const job = await submitJob(request, apiKey, '</script><script>alert(2)</script>', hostile);
  await waitUntilEnded(request, apiKey, job.id);
  await signIn(page, apiKey);
  await waitForHydration(page);
  const row = rows(page).filter({ hasText: job.id });
  await expect(row).toContainText('<img src=x onerror=alert(1)>.srt');
  await expect(page.locator('img')).toHaveCount(0);
  await row.getByRole('button', { name: 'View JSON' }).click();
  await expect(page.getByRole('dialog', { name: 'Job JSON' })).toContainText('<img src=x onerror=alert(1)>.srt');
  await page.keyboard.press('Escape');
  await row.getByRole('link', { name: job.id }).click();
  await expect(page.getByRole('region', { name: 'Error' })).toContainText('<img src=x onerror=alert(1)>.srt');
  await expect(page.locator('img')).toHaveCount(0);
});

test('works at 360 px wide and by keyboard alone', async ({ page, request }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const { apiKey } = newAccount();
  const job = await submitJob(request, apiKey);
  await waitUntilEnded(request, apiKey, job.id);
  await signIn(page, apiKey);
  await waitForHydration(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  // Tab to the row's View JSON button and open it with the keyboard.
  const viewJson = rows(page).first().getByRole('button', { name: 'View JSON' });
  for (let i = 0; i < 40 && !(await viewJson.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(viewJson).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Job JSON' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(viewJson).toBeFocused();
});
