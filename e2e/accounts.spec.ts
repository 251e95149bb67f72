// Account journeys in the browser: an admin resets a password and the user must choose a new one;
// changing one's own password; disabling a user ends their open session at its next request; a
// demoted admin's open session loses access at its next request; the last active admin cannot be
// demoted or disabled; sign-in is limited after repeated failures; signing out on another host
// name stays on that host. Each journey makes its own accounts, so the role sessions of the other
// specs are untouched.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { shot, stateFile, trpc } from './helpers';

const PORT = Number(process.env.E2E_PORT ?? 3187);

async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A new account made by the admin through the users API; returns its id. */
async function makeUser(admin: Page, role: 'user' | 'analyst' | 'admin', password: string): Promise<{ id: string; email: string }> {
  const email = `${role}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@e2e.test`;
  const r = await trpc(admin, 'users.create', { email, name: `Journey ${role}`, role, password }, 'mutation');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { id: (r.body?.result?.data?.json as { id: string }).id, email };
}

/** A browser of its own with no session (the describe's storageState would otherwise be applied). */
async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
}

test.describe('as admin', () => {
  test.use({ storageState: stateFile('admin') });

  test('a reset password must be changed at the next sign-in, and nothing else works until then', async ({ page, browser }) => {
    const u = await makeUser(page, 'user', 'first password 1');
    await page.goto('/admin/users');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Reset password of ${u.email}` }).click();
    const temporary = (await page.getByTestId('temporary-password').textContent())?.trim() ?? '';
    expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await shot(page, 'acc-01-admin-reset-password');

    const them = await freshPage(browser);
    await signInAs(them, u.email, 'first password 1');
    await expect(them.locator('form .alert')).toContainText('Wrong email or password');
    await signInAs(them, u.email, temporary);
    await expect(them).toHaveURL(/\/account\?required=1/); // the sign-in goes to Chat, which sends them here
    await them.goto('/chat');
    await expect(them).toHaveURL(/\/account\?required=1/);
    await expect(them.getByRole('alert').first()).toContainText('temporary password');
    expect((await trpc(them, 'decisions.list', {})).status).toBe(403);
    await them.getByLabel('Current password').fill('not the temporary one');
    await them.getByLabel('New password', { exact: true }).fill('my own password 22');
    await them.getByLabel('New password again').fill('my own password 22');
    await them.getByRole('button', { name: 'Change password' }).click();
    await expect(them.locator('#pw-current-error')).toContainText('current password is not correct');
    await shot(them, 'acc-02-must-change-password');
    await them.getByLabel('Current password').fill(temporary);
    await them.getByRole('button', { name: 'Change password' }).click();
    await expect(them).toHaveURL(/\/chat/);
    await expect(them.getByTestId('viewer')).toBeVisible();
    expect((await trpc(them, 'decisions.list', {})).status).toBe(200);
  });

  test('changing your own password ends your other sessions and keeps this one', async ({ page, browser }) => {
    const u = await makeUser(page, 'analyst', 'analyst password 1');
    const here = await freshPage(browser);
    const elsewhere = await freshPage(browser);
    await signInAs(here, u.email, 'analyst password 1');
    await signInAs(elsewhere, u.email, 'analyst password 1');
    await expect(elsewhere.getByTestId('viewer')).toBeVisible();
    await here.getByRole('link', { name: 'Account & password' }).click();
    await here.getByLabel('Current password').fill('analyst password 1');
    await here.getByLabel('New password', { exact: true }).fill('analyst password 2');
    await here.getByLabel('New password again').fill('analyst password 2');
    await here.getByRole('button', { name: 'Change password' }).click();
    await expect(here).toHaveURL(/\/chat/);
    await here.goto('/dashboards');
    await expect(here.getByRole('heading', { name: 'Dashboards' })).toBeVisible();
    await elsewhere.goto('/dashboards');
    await expect(elsewhere).toHaveURL(/\/signin/);
  });

  test('disabling a user ends their open session at its next request; enabling lets them back', async ({ page, browser }) => {
    const u = await makeUser(page, 'user', 'user password 1');
    const them = await freshPage(browser);
    await signInAs(them, u.email, 'user password 1');
    await expect(them.getByTestId('viewer')).toBeVisible();
    await page.goto('/admin/users');
    await page.getByRole('button', { name: `Disable ${u.email}` }).click();
    await expect(page.getByRole('row', { name: new RegExp(u.email) }).getByText('disabled')).toBeVisible();
    await shot(page, 'acc-03-user-disabled');
    await them.goto('/chat');
    await expect(them).toHaveURL(/\/signin/);
    await signInAs(them, u.email, 'user password 1');
    await expect(them.locator('form .alert')).toContainText('Wrong email or password');
    await page.getByRole('button', { name: `Enable ${u.email}` }).click();
    await expect(page.getByRole('row', { name: new RegExp(u.email) }).getByText('active')).toBeVisible();
    await signInAs(them, u.email, 'user password 1');
    await expect(them.getByTestId('viewer')).toBeVisible();
  });

  test("a demoted admin's open session loses admin access at its next request", async ({ page, browser }) => {
    const u = await makeUser(page, 'admin', 'second admin password');
    const them = await freshPage(browser);
    await signInAs(them, u.email, 'second admin password');
    await expect(them.getByTestId('viewer')).toBeVisible();
    await them.goto('/admin/keys');
    await expect(them.getByRole('heading', { name: 'API keys' })).toBeVisible();
    await page.goto('/admin/users');
    await page.getByLabel(`Role of ${u.email}`).selectOption('user');
    await expect(page.getByLabel(`Role of ${u.email}`)).toHaveValue('user');
    // The open session: the next page and the next procedure call are refused.
    expect((await trpc(them, 'apiKeys.create', { name: 'minted after demotion', role: 'admin' }, 'mutation')).status).toBe(401);
    await them.goto('/admin/keys');
    await expect(them).toHaveURL(/\/signin/);
    await signInAs(them, u.email, 'second admin password');
    await expect(them.getByTestId('viewer')).toBeVisible();
    await them.goto('/admin/keys');
    await expect(them.getByTestId('forbidden')).toBeVisible();
  });

  test('the last active admin cannot demote or disable themselves', async ({ page }) => {
    await page.goto('/admin/users');
    const admins = await trpc(page, 'users.list', undefined);
    const list = admins.body?.result?.data?.json as { id: string; email: string; role: string; disabled: boolean }[];
    // Other journeys may have left admins behind: demote them so one active admin is left.
    const me = list.find((x) => x.email === (process.env.CASCADE_ADMIN_EMAIL ?? 'admin@cascade.local'))!;
    for (const other of list.filter((x) => x.role === 'admin' && !x.disabled && x.id !== me.id)) {
      expect((await trpc(page, 'users.setRole', { id: other.id, role: 'analyst' }, 'mutation')).status).toBe(200);
    }
    await page.reload();
    await page.getByLabel(`Role of ${me.email}`).selectOption('analyst');
    await expect(page.getByRole('alert').filter({ hasText: 'would leave no active admin' })).toBeVisible();
    await page.reload();
    await expect(page.getByLabel(`Role of ${me.email}`)).toHaveValue('admin');
    await page.getByRole('button', { name: `Disable ${me.email}` }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'would leave no active admin' })).toBeVisible();
    await shot(page, 'acc-04-last-admin-guard');
    expect((await trpc(page, 'users.remove', { id: me.id }, 'mutation')).status).toBe(409);
  });

  test('API keys: expiry and tier scope are set and shown; the list carries no hash', async ({ page }) => {
    await page.goto('/admin/keys');
    const name = `scoped-${Date.now().toString(36)}`;
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Expires after (days)').fill('30');
    const tier = page.getByRole('group', { name: 'Tiers it may use' }).getByRole('checkbox').first();
    await tier.check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByTestId('new-secret')).toContainText('csk_');
    const row = page.getByRole('row', { name: new RegExp(name) });
    await expect(row).toContainText('never'); // not used yet
    await expect(row.getByRole('cell').nth(4)).not.toHaveText('any');
    await shot(page, 'acc-05-api-key-scope');
    const keys = await trpc(page, 'apiKeys.list', undefined);
    expect(JSON.stringify(keys.body)).not.toMatch(/"hash"/);
  });
});

test('sign-in is refused after repeated failures on one account', async ({ page, browser }) => {
  const admin = await (await browser.newContext({ storageState: stateFile('admin') })).newPage();
  const u = await makeUser(admin, 'user', 'right password 1');
  for (let i = 0; i < 5; i++) {
    await signInAs(page, u.email, `wrong ${i}`);
    await expect(page.locator('form .alert')).toContainText('Wrong email or password');
  }
  await signInAs(page, u.email, 'right password 1');
  await expect(page.locator('form .alert')).toContainText('Too many failed sign-ins');
  await shot(page, 'acc-06-sign-in-limited');
});

test('sign-out on another host name lands on that host', async ({ browser }) => {
  // Chromium maps cascade.test to the loopback server (launch flag in playwright.config.ts).
  const page = await freshPage(browser);
  const base = `http://cascade.test:${PORT}`;
  const admin = await (await browser.newContext({ storageState: stateFile('admin') })).newPage();
  const u = await makeUser(admin, 'user', 'host password 1');
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password', { exact: true }).fill('host password 1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('viewer')).toBeVisible();
  expect(new URL(page.url()).host).toBe(`cascade.test:${PORT}`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(new RegExp(`^${base}/signin`));
});
