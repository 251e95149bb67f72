// Analyst: filters a dashboard (filters land in the URL and survive a reload), opens a decision,
// exports CSV. A decision whose prompt holds HTML renders it inert.
import { expect, test } from '@playwright/test';
import { shot, stateFile } from './helpers';

test.use({ storageState: stateFile('analyst') });

test('analyst filters a dashboard; filters live in the URL', async ({ page }) => {
  await page.goto('/dashboards');
  await expect(page.getByRole('heading', { name: 'Dashboards' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Cost by tier' })).toBeVisible();
  await shot(page, '20-dashboards');

  await page.getByRole('button', { name: 'Last 30 d' }).click();
  await expect(page).toHaveURL(/from=/);
  const tier = page.getByLabel('Tier', { exact: true });
  await expect(tier.locator('option')).not.toHaveCount(1);
  const firstTier = await tier.locator('option').nth(1).getAttribute('value');
  await tier.selectOption(firstTier!);
  await expect(page).toHaveURL(new RegExp(`tier=${firstTier}`));
  await page.getByLabel('Band', { exact: true }).selectOption('simple');
  await expect(page).toHaveURL(/band=simple/);
  await page.reload();
  await expect(page.getByLabel('Tier', { exact: true })).toHaveValue(firstTier!);
  await expect(page.getByLabel('Band', { exact: true })).toHaveValue('simple');
  await shot(page, '21-dashboards-filtered');
});

test('analyst searches decisions, exports CSV and opens one', async ({ page }) => {
  // Some traffic first, through the chat endpoint, so the explorer has rows.
  for (const q of ['hi there', 'Write a detailed business plan for a bakery with a 3 year cash-flow forecast', 'What is 2+2? <b>bold?</b> <script>window.__xss=1</script>']) {
    const r = await page.request.post('/api/chat/stream', { data: { prompt: q } });
    expect(r.status(), await r.text()).toBe(200);
  }

  await page.goto('/decisions');
  await expect(page.getByRole('table', { name: 'Decisions' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Decisions' }).locator('tbody tr')).not.toHaveCount(0);
  await shot(page, '22-decisions');

  await page.getByLabel('Search prompts').fill('2+2');
  await expect(page).toHaveURL(/q=2%2B2/);
  const rows = page.getByRole('table', { name: 'Decisions' }).locator('tbody tr');
  await expect(rows).toHaveCount(1);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Export CSV/ }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);

  await page.evaluate(() => ((window as unknown as { __xss?: number }).__xss = 0));
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Attempts' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'What each tier would have charged' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(0);
  await expect(page.locator('main script')).toHaveCount(0);
  await shot(page, '23-decision-detail');

  // A follow-up turn is not served from the cache; the decision says why instead of a bare "bypass".
  const r = await page.request.post('/api/chat/stream', { data: { prompt: 'And in Spanish?', history: [{ role: 'user', content: 'Say hello in French' }, { role: 'assistant', content: 'Bonjour' }] } });
  expect(r.status(), await r.text()).toBe(200);
  // Decisions are recorded in batches after the answer: the page shows what is recorded when it
  // loads, so it is loaded again until the new one is there.
  await expect(async () => {
    await page.goto('/decisions?q=in%20Spanish');
    await expect(rows).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await rows.first().getByRole('link').click();
  await expect(page.getByTestId('cache-status')).toHaveText('bypass — 2 earlier turn(s)');
});
