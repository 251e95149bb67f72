// Signs in once per role and stores the session for the journeys. The admin (created on first
// start from CASCADE_ADMIN_PASSWORD) adds the analyst and the end user through the users API.
import { expect, test as setup } from '@playwright/test';
import { rmSync } from 'node:fs';
import { SCREENSHOTS, USERS, shot, signIn, stateFile, trpc } from './helpers';

setup('sign in as every role', async ({ page, browser }) => {
  rmSync(SCREENSHOTS, { recursive: true, force: true });

  await page.goto('/chat');
  await expect(page).toHaveURL(/\/signin/); // anonymous visitors are sent to sign in
  await shot(page, '00-signin');

  await page.getByLabel('Email').fill(USERS.admin.email);
  await page.getByLabel('Password').fill('definitely-wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('form .alert')).toContainText('Wrong email or password');
  await shot(page, '01-signin-error');

  await signIn(page, 'admin');
  await page.context().storageState({ path: stateFile('admin') });

  for (const role of ['analyst', 'user'] as const) {
    const r = await trpc(page, 'users.create', { email: USERS[role].email, name: `E2E ${role}`, role, password: USERS[role].password }, 'mutation');
    // 409 when a previous run on the same database created it already.
    expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
  }

  for (const role of ['analyst', 'user'] as const) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p, role);
    await ctx.storageState({ path: stateFile(role) });
    await ctx.close();
  }
});
