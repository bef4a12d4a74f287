// The API Playground in Debian's chromium against the real server: it checks the Job
// Description as you type, submits with the session, and records the job as `playground`.
import { expect, test, type Page } from '@playwright/test';
import { newAccount, signIn, SRT, waitForHydration } from '../support/server';

async function openPlayground(page: Page, apiKey: string) {
  await signIn(page, apiKey);
  await page.getByRole('link', { name: 'API Playground' }).click();
  await expect(page).toHaveURL(/\/playground$/);
  await expect(page.getByRole('heading', { name: 'API Playground' })).toBeVisible();
  await waitForHydration(page);
}

test('malformed JSON shows its line and column and blocks Submit', async ({ page }) => {
  const { apiKey } = newAccount();
  await openPlayground(page, apiKey);
  const editor = page.getByLabel('Job Description (JSON)');
  const submit = page.getByRole('button', { name: 'Submit' });
  await page.getByLabel('Source file').setInputFiles({ name: 'episode.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(SRT) });
  await expect(submit).toBeEnabled();

  await editor.fill('{\n  "job_type": "convert",\n  oops\n}');
  await expect(page.locator('#job-description-check')).toContainText('line 3, column 3');
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await expect(submit).toBeDisabled();

  await editor.fill('{"job_type": "convert", "source_profile": "SubRip Video Subtitle Script", "target_profile": "Nope"}');
  await expect(page.locator('#job-description-check')).toContainText('target_profile "Nope" is not a profile');
  await expect(submit).toBeDisabled();

  await editor.fill('{"job_type": "convert", "source_profile": "SubRip Video Subtitle Script", "target_profile": "WebVTT"}');
  await expect(page.locator('#job-description-check')).toHaveText('Valid Job Description.');
  await expect(submit).toBeEnabled();
});

test('a submission shows its response and lands in the dashboard as playground', async ({ page }) => {
  const { apiKey } = newAccount();
  await openPlayground(page, apiKey);
  await page.getByLabel('Target profile').selectOption('YouTube SBV');
  await expect(page.getByLabel('Job Description (JSON)')).toHaveValue(/"target_profile": "YouTube SBV"/);
  await page.getByLabel('Source file').setInputFiles({ name: 'episode 4.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(SRT) });

  const curl = page.getByLabel('curl command');
  await expect(curl).toContainText('-F \'source=@episode 4.srt\'');
  await expect(curl).toContainText('"target_profile":"YouTube SBV"');
  await expect(page.getByLabel('ccjobs command')).toHaveText(
    "ccjobs submit 'episode 4.srt' --type 'convert' --source-profile 'SubRip Video Subtitle Script' --target-profile 'YouTube SBV'",
  );

  await page.getByRole('button', { name: 'Submit' }).click();
  const response = page.getByRole('region', { name: 'Response' });
  await expect(response).toContainText('"source": "playground"');
  await expect(response).toContainText('"source_file_name": "episode 4.srt"');
  await response.getByRole('link', { name: /^Open job / }).click();
  await expect(page.getByRole('heading', { name: /^Job [0-9a-f]{8}-/ })).toBeVisible();
  await expect(page.getByText('playground', { exact: true })).toBeVisible();

  await page.goto('/');
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr').first()).toContainText('YouTube SBV');
});

test('a refused submission explains itself and keeps what was typed', async ({ page }) => {
  const { apiKey } = newAccount();
  await openPlayground(page, apiKey);
  const editor = page.getByLabel('Job Description (JSON)');
  await editor.fill('{"job_type": "convert", "source_profile": "SubRip Video Subtitle Script", "target_profile": "WebVTT", "customer_ref": "PO-77"}');
  // The server refuses to fetch from an internal address (the outbound guard).
  await page.getByLabel('or source URL').fill('http://127.0.0.1:9/episode.srt');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('region', { name: 'Response' }).getByRole('alert')).toContainText('an internal address ccjobs does not connect to');
  await expect(editor).toHaveValue(/"customer_ref": "PO-77"/);
  await expect(page.getByLabel('or source URL')).toHaveValue('http://127.0.0.1:9/episode.srt');
});

test('each page loads its own bundle, by content-hashed names, brotli, cached for a year', async ({ page }) => {
  const { apiKey } = newAccount();
  const assets: { path: string; headers: Record<string, string> }[] = [];
  page.on('response', async (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/pkg/')) assets.push({ path, headers: await r.allHeaders() });
  });
  const loaded = (ext: string) => [...new Set(assets.map((a) => a.path))].filter((p) => p.endsWith(`.${ext}`));
  const hashed = (name: string, ext: string) => expect.stringMatching(new RegExp(`^/pkg/${name}\\.[0-9a-f]{16}\\.${ext}$`));
  const checkHeaders = () => {
    for (const { path, headers } of assets) {
      expect(headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      expect(headers['content-encoding'], path).toBe('br');
    }
  };

  // Sign-in and the dashboard: the dashboard's bundle.
  await signIn(page, apiKey);
  await waitForHydration(page);
  expect(loaded('wasm')).toEqual([hashed('ccjobs', 'wasm')]);
  expect(loaded('js')).toEqual([hashed('ccjobs', 'js')]);
  expect(loaded('css')).toEqual([hashed('ccjobs', 'css')]);
  checkHeaders();
  // The page itself is asked for again every time: it names the current build's assets.
  const dashboard = await page.goto('/');
  expect(dashboard?.headers()['cache-control']).toBe('private, no-cache');
  await waitForHydration(page);

  assets.length = 0;
  await page.getByRole('link', { name: 'API Playground' }).click();
  await expect(page).toHaveURL(/\/playground$/);
  await waitForHydration(page);
  expect(loaded('wasm')).toEqual([hashed('ccjobs-full', 'wasm')]);
  expect(loaded('js')).toEqual([hashed('ccjobs-full', 'js')]);
  checkHeaders();
});

test('the chosen profiles\' options are listed, and a value they do not allow is flagged', async ({ page }) => {
  const { apiKey } = newAccount();
  await openPlayground(page, apiKey);
  const options = page.getByRole('region', { name: 'Profile options' });
  await expect(options).toContainText('The chosen profiles have no options.');

  await page.getByLabel('Source profile').selectOption('Scenarist V1.0 (SCC)');
  await page.getByLabel('Target profile').selectOption('EBU STL');
  const table = options.getByRole('table');
  await expect(table.getByRole('row', { name: /decode_options\.channel/ })).toContainText('auto, ch01, ch02, ch03, ch04');
  await expect(table.getByRole('row', { name: /encode_options\.max_row_chars/ })).toContainText('a whole number from 1 to 99');

  await page.getByLabel('Source file').setInputFiles({ name: 'episode.scc', mimeType: 'text/plain', buffer: Buffer.from('Scenarist_SCC V1.0\n') });
  await expect(page.getByRole('button', { name: 'Submit' })).toBeEnabled();
  const editor = page.getByLabel('Job Description (JSON)');
  const text = await editor.inputValue();
  await editor.fill(text.replace('"job_type"', '"decode_options": {"channel": "ch09"},\n  "job_type"'));
  await expect(page.locator('#job-description-check')).toHaveText(
    'decode_options.channel is "ch09", which "Scenarist V1.0 (SCC)" does not allow; use auto, ch01, ch02, ch03, ch04',
  );
  await expect(page.getByRole('button', { name: 'Submit' })).toBeDisabled();
});
