// Shared setup of the API tests: a real runtime on the test Postgres (TEST_DATABASE_URL, migrated
// by the global setup), principals of each role, and unique names per test.
import '../../server/runtime/preload-native';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadEnv } from '../../server/env';
import { startRuntime, type Runtime } from '../../server/runtime';
import type { Principal, Role } from '../../server/contracts/principal';

export async function testRuntime(extra: Record<string, string> = {}): Promise<Runtime> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the vitest global setup provides one)');
  const e = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    CASCADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cascade-api-test-')),
    CASCADE_ADMIN_PASSWORD: 'test-admin-password',
    // Every test process shares the database, so they must share the key that encrypts tier keys.
    CASCADE_SECRET_KEY: 'cascade-test-secret-key-0123456789',
    DB_POOL_SIZE: '4',
    LOG_LEVEL: 'silent',
    ...extra,
  });
  return startRuntime(e);
}

export const uid = (prefix = 't') => `${prefix}-${randomUUID().slice(0, 8)}`;

export function principal(role: Role, id: string = randomUUID()): Principal {
  return { kind: 'user', id, userId: id, apiKeyId: null, role, tenant: 'default', name: `${role}@test.local` };
}
