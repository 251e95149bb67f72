// Every page, as each role that may see it, at desktop (1400x900) and phone (390x844) sizes: a
// full-page screenshot attached to the HTML report (and kept under test-results/screenshots/pages),
// and a check of what the page says: no "NaN", "undefined", "Infinity", no "$0.0000" while the
// recorded traffic cost something, and no text clipped by its container (measured in the browser:
// an element that hides its overflow, or a select whose chosen option is wider than the control).
// Runs last (file name), after the other journeys recorded traffic; adds some of its own.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOTS, stateFile, trpc, type RoleName } from './helpers';

const VIEWPORTS = [
  { name: 'desktop', width: 1400, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const PAGES: Record<RoleName, string[]> = {
  user: ['/chat', '/account'],
  analyst: ['/dashboards', '/decisions', '/decisions/:latest', '/batch'],
  admin: ['/admin/policy', '/admin/tiers', '/admin/tuner', '/admin/models', '/admin/keys', '/admin/users', '/admin/audit'],
};

/** Runs in the page: what a reader would find wrong. */
function findProblems(): string[] {
  const problems: string[] = [];
  const text = document.body.innerText;
  for (const bad of ['NaN', 'undefined', 'Infinity', '[object Object]']) {
    const i = text.indexOf(bad);
    if (i >= 0) problems.push(`shows "${bad}": …${text.slice(Math.max(0, i - 40), i + 40).replace(/\s+/g, ' ')}…`);
  }
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const label = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.textContent ?? '').trim().slice(0, 50)}"`;
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (!(el instanceof HTMLElement) || !visible(el) || el.closest('.sr-only')) continue; // visually hidden on purpose (screen-reader text)
    if (el.closest('svg, .recharts-wrapper, .table-wrap, pre, textarea, [data-scroll]')) continue; // scroll containers and charts are meant to scroll / clip
    const s = getComputedStyle(el);
    const hasOwnText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    if (hasOwnText && (s.overflowX === 'hidden' || s.overflowX === 'clip' || s.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`clipped: ${label(el)} (${el.scrollWidth}px of text in ${el.clientWidth}px)`);
    }
  }
  const canvas = document.createElement('canvas').getContext('2d')!;
  for (const sel of Array.from(document.querySelectorAll('select'))) {
    if (!visible(sel)) continue;
    const s = getComputedStyle(sel);
    canvas.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const option = sel.selectedOptions[0]?.textContent ?? '';
    const need = canvas.measureText(option).width + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) + 16; // + the arrow
    if (need > sel.getBoundingClientRect().width + 1) problems.push(`clipped select ${label(sel)}: "${option}" needs ${Math.ceil(need)}px, has ${Math.floor(sel.getBoundingClientRect().width)}px`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    // Name the culprits: the innermost elements that reach past the window (outside scroll containers).
    const over = Array.from(document.querySelectorAll('body *')).filter(
      (el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap, pre, [data-scroll]') && visible(el),
    );
    const innermost = over.filter((el) => !over.some((o) => o !== el && el.contains(o))).slice(0, 3).map(label);
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth}px wide in ${window.innerWidth}px): ${innermost.join('; ')}`);
  }
  return problems;
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Queries render after their data: wait until no loading text is left.
  await expect(page.getByText(/^Loading/)).toHaveCount(0, { timeout: 20_000 }).catch(() => undefined);
  await page.waitForTimeout(300); // chart animations settle
}

test('traffic to look at', async ({ browser }) => {
  const admin = await (await browser.newContext({ storageState: stateFile('admin') })).newPage();
  const made = await trpc(admin, 'apiKeys.create', { name: `pages-${Date.now().toString(36)}` }, 'mutation');
  const key = (made.body?.result?.data?.json as { key: string }).key;
  const prompts = ['hi', 'What is the capital of France?', 'Explain how a hash map handles collisions, with an example in Python.', 'What is the capital of France?', 'Compare three approaches to database sharding and recommend one for a 10 TB OLTP workload, with trade-offs.', 'thanks!'];
  for (let i = 0; i < 18; i++) {
    const r = await admin.request.post('/api/v1/chat/completions', { headers: { authorization: `Bearer ${key}` }, data: { model: 'auto', messages: [{ role: 'user', content: prompts[i % prompts.length] }] } });
    expect(r.status(), await r.text()).toBe(200);
    const id = r.headers()['x-cascade-decision-id'];
    if (i % 3 === 0) {
      // The decision is written by the batched recorder a moment after the answer: until then the rating is a 404.
      const rate = () => admin.request.post('/api/v1/feedback', { headers: { authorization: `Bearer ${key}` }, data: { decision_id: id, rating: i % 2 ? 'down' : 'up' } });
      await expect.poll(async () => (await rate()).status(), { timeout: 15_000 }).toBe(200);
    }
  }
});

test('the sign-in page reads true at both sizes', async ({ page }, info) => {
  const problems: string[] = [];
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await page.goto('/signin');
    await settle(page);
    const file = join(SCREENSHOTS, 'pages', `anonymous-signin-${vp.name}.png`);
    mkdirSync(join(SCREENSHOTS, 'pages'), { recursive: true });
    await page.screenshot({ path: file, fullPage: true });
    await info.attach(`anonymous-signin-${vp.name}`, { path: file, contentType: 'image/png' });
    problems.push(...(await page.evaluate(findProblems)));
  }
  expect(problems).toEqual([]);
});

for (const role of Object.keys(PAGES) as RoleName[]) {
  test.describe(`${role} pages`, () => {
    test.use({ storageState: stateFile(role) });
    for (const vp of VIEWPORTS) {
      test(`at ${vp.name} size read true`, async ({ page }, info) => {
        await page.setViewportSize({ width: vp.width, height: vp.height });
        const problems: string[] = [];
        for (let path of PAGES[role]) {
          if (path === '/decisions/:latest') {
            const list = await trpc(page, 'decisions.list', { limit: 1 });
            const id = (list.body?.result?.data?.json as { items: { id: string }[] }).items[0]?.id;
            path = `/decisions/${id}`;
          }
          await page.goto(path);
          await settle(page);
          const name = `${role}${path.replace(/\//g, '-').replace(/-[0-9a-f-]{36}$/, '-one')}-${vp.name}`;
          const file = join(SCREENSHOTS, 'pages', `${name}.png`);
          mkdirSync(join(SCREENSHOTS, 'pages'), { recursive: true });
          await page.screenshot({ path: file, fullPage: true });
          await info.attach(name, { path: file, contentType: 'image/png' });
          for (const p of await page.evaluate(findProblems)) problems.push(`${path}: ${p}`);
          const costs = (await page.locator('body').innerText()).match(/\$0\.0000(?!\d)/g);
          if (costs) problems.push(`${path}: shows $0.0000 ${costs.length}x while the recorded traffic cost more than nothing`);
        }
        expect(problems).toEqual([]);
      });
    }
  });
}
