// Webhooks in the dashboard: a job's delivery log in its detail view with Redeliver, and
// the account's signing secret on the Settings page (shown, copied, rotated).
import { expect, test } from '@playwright/test';
import { newAccount, signIn, SRT, waitForHydration } from '../support/server';

test('the detail view logs every webhook attempt and Redeliver sends it again', async ({ page, request }) => {
  const { apiKey } = newAccount();
  // The server's outbound guard refuses loopback receivers (its default), so each attempt
  // fails with an explanation, which is what a user debugging a webhook reads here.
  const response = await request.post('/jobs', {
    headers: { 'x-api-key': apiKey },
    multipart: {
      config: JSON.stringify({
        job_type: 'convert',
        source_profile: 'SubRip Video Subtitle Script',
        target_profile: 'WebVTT',
        webhook: 'http://127.0.0.1:9/hook',
      }),
      source: { name: 'hooked.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(SRT) },
    },
  });
  expect(response.status()).toBe(201);
  const { id } = await response.json();
  await expect
    .poll(async () => (await request.get(`/jobs/${id}/webhook`, { headers: { 'x-api-key': apiKey } })).status(), { timeout: 10_000 })
    .toBe(200);

  await signIn(page, apiKey);
  await page.locator('tbody tr').getByRole('link', { name: id }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
  const webhook = page.getByRole('region', { name: 'Webhook' });
  await expect(webhook).toContainText('http://127.0.0.1:9/hook');
  await expect(webhook.locator('[data-state]')).toHaveText('failed');
  const attempts = webhook.getByRole('table', { name: /Delivery attempts/ }).locator('tbody tr');
  await expect(attempts).toHaveCount(1);
  await expect(attempts.first()).toContainText('an internal address ccjobs does not connect to');
  await expect(attempts.first()).toContainText('CCJOBS_ALLOW_PRIVATE_URLS');

  await waitForHydration(page);
  await webhook.getByRole('button', { name: 'Redeliver' }).click();
  await expect(attempts).toHaveCount(2);
  await expect(webhook.locator('[data-state]')).toHaveText('failed');
});

test('Settings shows the webhook secret on request, and Rotate replaces it', async ({ page }) => {
  const { apiKey } = newAccount();
  await signIn(page, apiKey);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const secret = page.getByTestId('webhook-secret');
  await expect(secret).toContainText('whsec_••••');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/=]{32}$/);
  const first = await secret.textContent();
  const shown = await request(page, apiKey);
  expect(shown).toBe(first);

  await page.getByRole('button', { name: 'Rotate…' }).click();
  await expect(page.getByRole('alert')).toContainText('keeps signing beside the new one for 24 hours');
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(secret).not.toHaveText(first ?? '');
  await expect(secret).toHaveText(/^whsec_/);
  await expect(page.getByText('The previous secret also signs until')).toBeVisible();
  expect(await request(page, apiKey)).toBe(await secret.textContent());
});

/** The secret as the API reports it. */
async function request(page: import('@playwright/test').Page, apiKey: string) {
  const answer = await page.request.get('/account/webhook-secret', { headers: { 'x-api-key': apiKey } });
  return (await answer.json()).secret as string;
}
