#!/usr/bin/env node
// `npm run test:e2e`: Playwright journeys against a fresh Cascade. Finds Debian's Chromium (or
// CHROMIUM_PATH), gives the server a fresh data folder and, when TEST_DATABASE_URL points at a real
// Postgres, a fresh database on that server (dropped afterwards unless E2E_KEEP_DB=1). Without
// TEST_DATABASE_URL the server uses its embedded Postgres in the fresh data folder.
// Extra arguments go to `playwright test` (e.g. `npm run test:e2e -- e2e/chat.spec.ts`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const say = (m) => process.stdout.write(`e2e: ${m}\n`);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  say(`no Chromium found at ${chromium}.`);
  say("Playwright's own browsers cannot be downloaded here: install Debian's with `apt-get install -y chromium`,");
  say('or point CHROMIUM_PATH at a Chromium/Chrome binary. The e2e tests did not run.');
  process.exit(1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'cascade-e2e-'));
const env = { ...process.env, CHROMIUM_PATH: chromium, CASCADE_DATA_DIR: dataDir, CASCADE_ADMIN_PASSWORD: process.env.CASCADE_ADMIN_PASSWORD ?? 'e2e-admin-password' };
delete env.DATABASE_URL;

let dropDb = null;
if (process.env.TEST_DATABASE_URL) {
  const url = new URL(process.env.TEST_DATABASE_URL);
  const name = `cascade_e2e_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url.toString());
  dbUrl.pathname = `/${name}`;
  env.DATABASE_URL = dbUrl.toString();
  say(`fresh database ${name} on ${url.host}`);
  dropDb = async () => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
} else {
  say(`embedded Postgres in ${dataDir}`);
}

const child = spawn(process.execPath, ['node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));

if (dropDb && process.env.E2E_KEEP_DB !== '1') await dropDb().catch((e) => say(`could not drop the e2e database: ${e.message}`));
if (process.env.E2E_KEEP_DATA !== '1') rmSync(dataDir, { recursive: true, force: true });
say(code === 0 ? 'passed; screenshots in test-results/screenshots' : `failed (exit ${code}); report in playwright-report/, screenshots in test-results/screenshots`);
process.exit(code);
