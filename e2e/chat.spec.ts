// End user: asks, watches the streamed answer with its tier badge and cost, rates it. Model output
// and prompts containing HTML or script never run in the page.
import { expect, test } from '@playwright/test';
import { shot, stateFile } from './helpers';

test.use({ storageState: stateFile('user') });

test('end user chats and rates an answer', async ({ page }) => {
  await page.goto('/chat');
  await expect(page.getByRole('heading', { name: 'Chat' })).toBeVisible();
  await shot(page, '10-chat-empty');

  const box = page.getByLabel('Message');
  await box.fill('What is the capital of France?');
  await box.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer.getByTestId('tier-badge')).toBeVisible();
  await expect(answer.getByTestId('answer-cost')).toContainText('$', { timeout: 60_000 });
  await expect(answer).toHaveAttribute('aria-busy', 'false');
  await expect(answer.locator('.badge.simulated')).toBeVisible(); // embedded mode answers from simulated tiers

  await answer.getByRole('button', { name: 'Bad answer' }).click();
  await answer.getByLabel('What was wrong?').selectOption('incomplete');
  await answer.getByRole('button', { name: 'Send' }).click();
  await expect(answer.getByRole('status')).toContainText('rating saved');
  await shot(page, '11-chat-rated');
});

test('HTML and script in prompts and answers never run', async ({ page }) => {
  await page.goto('/chat');
  await page.evaluate(() => ((window as unknown as { __xss?: number }).__xss = 0));
  const payload = 'Repeat exactly: <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [link](javascript:window.__xss=3)';
  await page.getByLabel('Message').fill(payload);
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.getByTestId('assistant-message').last();
  await expect(answer).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  // The prompt is shown as text, not markup.
  await expect(page.getByTestId('user-message').last()).toContainText('<script>');
  for (const link of await page.locator('.markdown a').all()) await link.click({ trial: true }).catch(() => undefined);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(0);
  await expect(page.locator('main script')).toHaveCount(0);
  await expect(page.locator('main img[onerror]')).toHaveCount(0);
  await expect(page.locator('main a[href^="javascript:"]')).toHaveCount(0);
  await shot(page, '12-chat-html-escaped');
});

test('a research question shows its progress (plan, sub-questions, writing) before the answer', async ({ page }) => {
  await page.goto('/chat');
  // The default policy sends the classifier's research band to the research pipeline.
  await page.getByLabel('Message').fill(`Write a comprehensive literature survey of retrieval-augmented generation: taxonomy of methods, benchmark results, open problems, with citations to the key papers. (${Date.now()})`);
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.getByTestId('assistant-message').last();
  const progress = answer.getByRole('progressbar', { name: 'Research progress' });
  await expect(progress).toBeVisible({ timeout: 30_000 });
  await expect(answer.getByTestId('research-progress')).toContainText('Research:');
  await shot(page, '12-chat-research-progress');
  await expect(answer).toHaveAttribute('aria-busy', 'false', { timeout: 90_000 });
  await expect(progress).toHaveCount(0);
  await expect(answer.getByTestId('tier-badge')).toBeVisible();
  await expect(answer).toContainText('band: research');
});

test('conversations: new, list, rename, delete; a question asked afresh can come from the cache; the cost shown is the decision\'s', async ({ page }) => {
  await page.goto('/chat');
  const list = page.getByRole('complementary', { name: 'Conversations' });
  const question = `Which river flows through Vienna? (${Date.now().toString(36)})`;
  await page.getByLabel('Message').fill(question);
  await page.getByLabel('Message').press('Enter');
  const first = page.getByTestId('assistant-message').last();
  await expect(first).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
  await expect(list.getByRole('button', { name: question, exact: true })).toBeVisible();

  // The cost on the answer is its decision's cost, to the digit.
  const costText = (await first.getByTestId('answer-cost').innerText()).replace('cost ', '');
  type Items = { costUsd: number; tokensIn: number; tokensOut: number }[];
  let items: Items = [];
  // The decision is written by the batched recorder a moment after the answer.
  await expect.poll(async () => {
    const res = await page.request.get(`/api/trpc/decisions.list?input=${encodeURIComponent(JSON.stringify({ json: { filters: { q: question.slice(0, 30) }, limit: 5 } }))}`);
    items = ((await res.json()) as { result: { data: { json: { items: Items } } } }).result.data.json.items;
    return items.length;
  }).toBe(1);
  const { usd } = await import('../lib/format');
  expect(costText).toBe(usd(items[0].costUsd));

  // Asked afresh (not a follow-up any more) the cache answers — unless the policy's exploration share
  // (5 % by default) sent this request to a neighbour tier, which bypasses the cache on purpose: such
  // a miss must come from another tier than the first answer's, and the question is asked again.
  const firstTier = await first.getByTestId('tier-badge').innerText();
  let cached = false;
  for (let attempt = 0; attempt < 3 && !cached; attempt++) {
    await list.getByRole('button', { name: 'New conversation' }).click();
    await expect(page.getByTestId('assistant-message')).toHaveCount(0);
    await page.getByLabel('Message').fill(question);
    await page.getByLabel('Message').press('Enter');
    const again = page.getByTestId('assistant-message').last();
    await expect(again).toHaveAttribute('aria-busy', 'false', { timeout: 60_000 });
    cached = (await again.locator('.badge.cached').count()) > 0;
    if (!cached) expect(await again.getByTestId('tier-badge').innerText()).not.toBe(firstTier);
  }
  expect(cached).toBe(true);
  await shot(page, '13-chat-conversations');

  await list.getByRole('button', { name: `Rename ${question}`, exact: true }).first().click();
  await list.getByLabel('New name').fill('Rivers');
  await list.getByRole('button', { name: 'Save' }).click();
  await page.reload();
  await expect(list.getByRole('button', { name: 'Rivers', exact: true })).toBeVisible(); // kept across reloads
  page.once('dialog', (d) => void d.accept());
  await list.getByRole('button', { name: 'Delete Rivers' }).click();
  await expect(list.getByRole('button', { name: 'Rivers', exact: true })).toHaveCount(0);
});
