// Each role reaches only its pages and procedures: the nav hides the rest, the page answers 403,
// and the tRPC procedure refuses (FORBIDDEN) even when called directly.
import { expect, test } from '@playwright/test';
import { shot, stateFile, trpc } from './helpers';

test.describe('end user', () => {
  test.use({ storageState: stateFile('user') });
  test('cannot reach analyst or admin pages and procedures', async ({ page }) => {
    await page.goto('/chat');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Chat' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Dashboards' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Tiers' })).toHaveCount(0);
    for (const path of ['/dashboards', '/decisions', '/admin/policy', '/admin/tiers', '/admin/keys']) {
      await page.goto(path);
      await expect(page.getByTestId('forbidden')).toBeVisible();
    }
    await shot(page, '70-user-forbidden');
    expect((await trpc(page, 'analytics.filterOptions', undefined)).status).toBe(403);
    expect((await trpc(page, 'tiers.list', undefined)).status).toBe(403);
    expect((await trpc(page, 'apiKeys.create', { name: 'x' }, 'mutation')).status).toBe(403);
  });
});

test.describe('analyst', () => {
  test.use({ storageState: stateFile('analyst') });
  test('cannot reach admin pages and procedures', async ({ page }) => {
    await page.goto('/dashboards');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Decisions' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Routing policy' })).toHaveCount(0);
    for (const path of ['/admin/policy', '/admin/tiers', '/admin/keys', '/admin/users', '/admin/audit', '/admin/tuner', '/admin/models']) {
      await page.goto(path);
      await expect(page.getByTestId('forbidden')).toBeVisible();
    }
    await shot(page, '71-analyst-forbidden');
    expect((await trpc(page, 'users.list', undefined)).status).toBe(403);
    expect((await trpc(page, 'policy.save', { document: {}, reason: 'x' }, 'mutation')).status).toBe(403);
    expect((await trpc(page, 'analytics.auditLog', {})).status).toBe(403);
    expect((await trpc(page, 'policy.whatIf', { document: {}, limit: 100 }, 'mutation')).status).toBe(403);
    expect((await trpc(page, 'tiers.live', undefined)).status).toBe(403);
  });
});

test.describe('anonymous', () => {
  test('is sent to sign in, and procedures answer 401', async ({ page }) => {
    await page.goto('/admin/policy');
    await expect(page).toHaveURL(/\/signin/);
    expect((await trpc(page, 'analytics.filterOptions', undefined)).status).toBe(401);
  });
});
