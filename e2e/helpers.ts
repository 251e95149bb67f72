import { expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export const USERS = {
  admin: { email: process.env.CASCADE_ADMIN_EMAIL ?? 'admin@cascade.local', password: process.env.CASCADE_ADMIN_PASSWORD ?? 'e2e-admin-password' },
  analyst: { email: 'analyst@e2e.test', password: 'analyst-password-1' },
  user: { email: 'user@e2e.test', password: 'user-password-1' },
} as const;
export type RoleName = keyof typeof USERS;

export const stateFile = (role: RoleName) => join(process.cwd(), 'test-results', '.auth', `${role}.json`);

/** Full-page screenshot kept as a test artifact: test-results/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, role: RoleName): Promise<void> {
  const u = USERS[role];
  await page.goto('/signin');
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('viewer')).toBeVisible();
}

/** Calls a tRPC procedure with the page's cookies; returns the HTTP status and parsed body. */
export async function trpc(page: Page, path: string, input: unknown, kind: 'query' | 'mutation' = 'query') {
  const res =
    kind === 'query'
      ? await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
      : await page.request.post(`/api/trpc/${path}`, { data: { json: input } });
  return { status: res.status(), body: (await res.json().catch(() => null)) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string } } } | null };
}
