// Analyst: uploads a JSON Lines batch. A file with a bad line is refused in the browser (the
// server's own line schema) with the error next to the field and nothing uploaded, unless the user
// chooses to run the valid lines and get the bad ones back as errors; a good file runs
// to completion with per-tier progress, a cost summary against the large tier, and a download.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { shot, stateFile } from './helpers';

test.use({ storageState: stateFile('analyst') });

test('analyst uploads a batch, sees its cost summary and downloads the results', async ({ page }) => {
  const tag = Date.now().toString(36);
  await page.goto('/batch');
  const file = page.getByLabel('JSON Lines file');

  await file.setInputFiles({ name: `bad-${tag}.jsonl`, mimeType: 'application/x-ndjson', buffer: Buffer.from('{"prompt": "Name a colour."}\n{oops\n\n{"prompt": ""}\n') });
  await expect(page.locator('#batch-file-error')).toContainText('2 lines to fix');
  await expect(page.locator('#batch-line-errors')).toContainText('line 2: not valid JSON');
  await expect(page.locator('#batch-line-errors')).toContainText('line 4: prompt: must not be empty');
  await page.getByRole('button', { name: 'Start batch' }).click();
  await shot(page, '80-batch-invalid');
  await expect(page.getByRole('article', { name: `Batch bad-${tag}.jsonl` })).toHaveCount(0);

  // The user may run the valid line anyway: each bad line then comes back as its own error.
  await page.getByLabel(/Run the 1 valid line anyway/).check();
  await expect(page.getByRole('status').filter({ hasText: '1 request ready' })).toContainText('2 bad lines, reported in the results');
  await page.getByRole('button', { name: 'Start batch' }).click();
  const partial = page.getByRole('article', { name: `Batch bad-${tag}.jsonl` });
  await expect(partial).toContainText('completed', { timeout: 60_000 });
  await expect(partial).toContainText('1 done · 2 failed of 3');

  const name = `e2e-${tag}.jsonl`;
  const lines = ['{"prompt": "What is 2 + 2?", "custom_id": "a"}', '{"prompt": "Name three primary colours.", "custom_id": "b"}', '{"messages": [{"role": "user", "content": "Say hello in Spanish."}]}'];
  await file.setInputFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n') + '\n') });
  await expect(page.getByLabel('Job name')).toHaveValue(name);
  await expect(page.getByRole('status').filter({ hasText: '3 requests ready' })).toBeVisible();
  await page.getByRole('button', { name: 'Start batch' }).click();

  const job = page.getByRole('article', { name: `Batch ${name}` });
  await expect(job).toContainText('completed', { timeout: 60_000 });
  await expect(job).toContainText('3 done · 0 failed of 3');
  await expect(job.getByRole('progressbar', { name: `${name} overall` })).toHaveAttribute('aria-valuenow', '100');
  await expect(job).toContainText('3 answered · 0 failed'); // the summary follows the job to its end
  await expect(job).toContainText('If all had gone to large');
  await expect(job).toContainText('Saved by routing');
  await expect(job.getByRole('table', { name: `Cost per tier of ${name}` })).toBeVisible();
  await shot(page, '81-batch-done');

  const [download] = await Promise.all([page.waitForEvent('download'), job.getByRole('button', { name: `Download results of ${name}` }).click()]);
  expect(download.suggestedFilename()).toBe(`e2e-${tag}-results.jsonl`);
  const rows = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows).toHaveLength(4);
  expect(rows[0]).toMatchObject({ line: 1, custom_id: 'a', status: 'done' });
  const summary = rows[3].summary as { items: number; costUsd: number; costIfLargeUsd: number; largeTier: string };
  expect(summary).toMatchObject({ items: 3, largeTier: 'large' });
  expect(summary.costIfLargeUsd).toBeGreaterThan(0);
});
