// Admin: edits and rolls back the routing policy, creates a tier and an API key (secret shown once),
// and sees users, audit log and tuner proposals.
import { expect, test } from '@playwright/test';
import { shot, stateFile, trpc } from './helpers';

test.use({ storageState: stateFile('admin') });

// Mostly easy questions, so the recorded traffic has small-tier decisions a lower t1 would move.
const PROMPTS = ['What is 2 + 2?', 'Say hello.', 'What colour is the sky?', 'Translate "cat" into French.', 'Name a fruit.', 'Is 7 a prime number?', 'Spell "house" backwards.', 'Explain why the sky looks blue in two sentences.'];

const changedCount = async (status: import('@playwright/test').Locator) => Number(/(\d+) would go elsewhere/.exec(await status.innerText())?.[1] ?? -1);

test('admin previews a policy draft on recorded decisions (what-if) with the threshold handles', async ({ page }) => {
  await page.goto('/admin/policy');
  for (const prompt of PROMPTS) expect((await trpc(page, 'route.query', { prompt }, 'mutation')).status).toBe(200);
  // Decisions reach Postgres through the recorder's batches: wait until the replay sees them all.
  const active = (await trpc(page, 'policy.active', undefined)).body?.result?.data?.json as { document: unknown };
  await expect
    .poll(
      async () => {
        const res = await trpc(page, 'policy.whatIf', { document: active.document, limit: 100 }, 'mutation');
        const json = res.body?.result?.data?.json as { replayed: number } | undefined;
        if (!json) console.warn(`what-if not ready: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        return json?.replayed ?? -1;
      },
      { timeout: 30_000, message: 'the what-if replay sees the recorded decisions' },
    )
    .toBeGreaterThanOrEqual(PROMPTS.length);
  await page.reload();

  const preview = page.getByRole('region', { name: 'What-if preview' });
  const status = preview.getByRole('status');
  await expect(status).toContainText(/Replayed \d+ recorded decisions/);
  const before = await changedCount(status);
  const cost = await preview.getByTestId('whatif-cost').innerText();

  // Keyboard on the t1 handle over the histogram: Home moves it to 0, so every small decision moves to medium.
  const handle = page.getByRole('slider', { name: /t1 handle/ });
  await handle.focus();
  await page.keyboard.press('Home');
  await expect(page.getByLabel('t1 value')).toHaveValue('0');
  await expect.poll(() => changedCount(status)).toBeGreaterThan(before);
  await expect(preview.getByTestId('whatif-cost')).not.toHaveText(cost);
  await expect(preview.getByRole('table', { name: 'Decisions whose tier changes' })).toContainText('small → medium');
  await expect(preview.getByRole('table', { name: 'Tier mix, recorded and with the draft' })).toBeVisible();
  await shot(page, '34-policy-whatif');

  // An invalid draft is not replayed; the preview says why.
  await page.getByLabel('t2 value').fill('0');
  await expect(status).toContainText('Fix the draft');
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(status).toContainText(/Replayed \d+ recorded decisions/);
});

test('admin edits a policy, sees a client-side error, saves and rolls back', async ({ page }) => {
  await page.goto('/admin/policy');
  const t1 = page.getByLabel('t1 value');
  await expect(t1).toBeVisible();
  const before = await t1.inputValue();
  await shot(page, '30-policy');

  // t2 below t1: the same zod schema as the server rejects it next to the field; nothing is saved.
  await page.getByLabel('t2 value').fill('0.05');
  await expect(page.locator('#th-t2-error')).toContainText('t2 must be greater than t1');
  await shot(page, '31-policy-invalid');
  await page.getByRole('button', { name: 'Discard changes' }).click();

  // The tuner's guardrails are editable too, checked by the same schema (flip rate at most 0.45).
  await page.getByLabel(/How often raters press the wrong thumb/).fill('0.6');
  await expect(page.locator('#tuner-noise-error')).toContainText(/0\.45/);
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByLabel(/How often raters press the wrong thumb/)).toHaveValue('');

  // Per-key overrides: a key must be chosen, and the cache threshold keeps the policy-wide bounds.
  await page.getByRole('button', { name: 'Add override' }).click();
  await page.getByLabel('Cache similarity (blank = policy)').fill('0.3');
  await expect(page.locator('#ovr-0-cache-error')).toContainText(/0\.5/);
  await expect(page.locator('#ovr-0-key-error')).toContainText('choose an API key');
  await expect(page.getByRole('alert').filter({ hasText: 't2 must be greater than t1' })).toHaveCount(0); // no stale preview error
  await shot(page, '35-policy-overrides-invalid');
  await page.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('button', { name: 'Remove override 1' })).toHaveCount(0);

  await t1.fill('0.33');
  await page.getByLabel(/Why this change/).fill('e2e: tighten small band');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved as version' })).toBeVisible();
  const saved = await page.getByRole('status').filter({ hasText: 'Saved as version' }).innerText();
  const version = Number(/version (\d+)/.exec(saved)![1]);

  const history = page.getByRole('table', { name: 'Policy versions' });
  await expect(history).toContainText('e2e: tighten small band');
  await page.getByRole('button', { name: `Show version ${version}` }).click();
  await expect(page.getByRole('table', { name: `Changes in version ${version}` })).toContainText('thresholds.t1');
  await shot(page, '32-policy-history-diff');

  await page.getByRole('button', { name: `Show version ${version - 1}` }).click();
  await page.getByLabel(`Why roll back to v${version - 1}`).fill('e2e: undo');
  await page.getByRole('button', { name: `Roll back to v${version - 1}` }).click();
  await expect(history).toContainText('e2e: undo');
  await expect(page.getByLabel('t1 value')).toHaveValue(before);
  await shot(page, '33-policy-rolled-back');
});

test('admin creates a tier and an API key', async ({ page }) => {
  await page.goto('/admin/tiers');
  await expect(page.getByRole('table', { name: 'Tiers' })).toBeVisible();
  // Live load from the running gateway: the small tier answered the what-if journey's questions.
  const live = page.getByRole('table', { name: 'Live tier load' });
  await expect(live.getByRole('row', { name: /^small/ })).toContainText(/\d+ ms|\d\.\d+ s/);
  const asOf = page.getByText(/^as of /);
  const first = await asOf.innerText();
  await expect(asOf).not.toHaveText(first); // polled every few seconds
  await shot(page, '40-tiers');
  await page.getByRole('button', { name: 'New tier' }).click();
  const name = `e2e-tier-${Date.now().toString(36)}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Model').fill('llama-3.1-8b');
  await page.getByLabel('Base URL').fill('not a url');
  await page.getByRole('button', { name: 'Create tier' }).click();
  await expect(page.locator('#tier-baseUrl-error')).toContainText('URL');
  await page.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
  await page.getByLabel('Input $ / M tokens').fill('0.2');
  await page.getByLabel('Output $ / M tokens').fill('0.6');
  await page.getByLabel('Drop', { exact: true }).fill('metadata, messages');
  await page.getByLabel('Refuse', { exact: true }).fill('logit_bias');
  await page.getByRole('button', { name: 'Create tier' }).click();
  await expect(page.locator('#tier-fields-drop-error')).toContainText('cannot be dropped or rejected');
  await page.getByLabel('Drop', { exact: true }).fill('metadata');
  await shot(page, '41-tier-form');
  await page.getByRole('button', { name: 'Create tier' }).click();
  await expect(page.getByRole('table', { name: 'Tiers' })).toContainText(name);
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('drops metadata · refuses logit_bias');
  await page.getByRole('button', { name: `Test ${name}` }).click();
  await expect(page.getByRole('table', { name: 'Tiers' })).toContainText(/down|error/);
  await shot(page, '42-tiers-created');

  await page.goto('/admin/keys');
  await page.getByLabel('Name').fill('e2e script');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = page.getByTestId('new-secret');
  await expect(secret).toContainText('csk_');
  await shot(page, '50-key-created');
  await page.reload();
  await expect(page.getByTestId('new-secret')).toHaveCount(0); // shown once
  await expect(page.getByRole('table', { name: 'API keys' })).toContainText('e2e script');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Revoke e2e script' }).first().click();
  await expect(page.getByRole('table', { name: 'API keys' })).toContainText('revoked');
  await shot(page, '51-keys');
});

test('admin pages: users, audit log, tuner, batch', async ({ page }) => {
  await page.goto('/admin/users');
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('analyst@e2e.test');
  await shot(page, '60-users');
  await page.goto('/admin/audit');
  await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
  await shot(page, '61-audit');
  await page.goto('/admin/tuner');
  await expect(page.getByText(/No pending proposals|From v\d+/).first()).toBeVisible();
  await shot(page, '62-tuner');
  await page.goto('/batch');
  await expect(page.getByText(/No batch jobs yet|done ·/).first()).toBeVisible();
  await shot(page, '63-batch');
});
