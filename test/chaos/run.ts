// `npm run chaos` (full: 60 s outages, 1,200 abuse requests) and `npm run chaos -- --short` (a few
// seconds of each fault; what `npm test` runs through chaos.test.ts). Real processes throughout: the
// app (server.ts --api-only), Postgres behind a TCP relay this process cuts and stalls, fault tiers
// on loopback. Prints a table; exits 1 when an invariant failed.
import '../../server/runtime/preload-native';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrisma } from '../../server/db/client';
import { migrate } from '../../server/db/migrate';
import { ensureSeed } from '../../server/repos/seed';
import { freePort } from '../fixtures/resources';
import { startTcpRelay } from '../fixtures/tcp-relay';
import { startFakeUpstream } from '../fixtures/upstream';
import { CHAOS_SECRETS } from './app';
import { ChaosDb, ensureDatabase } from './db';
import { abuse } from './abuse';
import type { ChaosContext, ScenarioResult } from './context';
import { dbDown, dbHang, FAULTS, kill9, secrets, sigterm, tierFaults } from './scenarios';

const SCENARIOS: Record<string, (ctx: ChaosContext) => Promise<ScenarioResult>> = {
  'db-down': dbDown,
  'db-hang': dbHang,
  sigterm,
  kill9,
  'tier-faults': tierFaults,
  abuse,
  secrets,
};

export async function runChaos(opts: { short: boolean; only?: string[]; log?: (s: string) => void }): Promise<ScenarioResult[]> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const dbUrl = process.env.CHAOS_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/cascade_chaos';
  await ensureDatabase(dbUrl);
  await migrate(dbUrl);
  // The default tiers and policy of a first start, before the chaos tiers below are added: the app
  // seeds only an install with no tiers, and the load's "auto" requests need the default targets.
  const prisma = createPrisma(dbUrl, { poolSize: 1 });
  await ensureSeed(prisma, { simulatorBaseUrl: 'http://127.0.0.1:9/v1', adminPassword: CHAOS_SECRETS.adminPassword }).finally(() => prisma.$disconnect());
  const db = new ChaosDb(dbUrl);
  const relay = await startTcpRelay(dbUrl);
  const upstreams: ChaosContext['upstreams'] = {};
  try {
    upstreams.slow = await startFakeUpstream({ content: Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '), tokenDelayMs: 50 });
    await db.createTier('chaos-slow', upstreams.slow.baseUrl, { timeoutMs: 10_000 });
    upstreams.fast = await startFakeUpstream({ content: 'A short answer.' });
    await db.createTier('chaos-fast', upstreams.fast.baseUrl, { timeoutMs: 10_000 });
    for (const [fault, behaviour] of Object.entries(FAULTS)) {
      const u = await startFakeUpstream(behaviour);
      upstreams[fault] = u;
      await db.createTier(`chaos-${fault.replace(' ', '-')}`, u.baseUrl, { timeoutMs: 2_000 });
    }
    const user = await db.createKey('user');
    const unused = await db.createKey('user');
    const admin = await db.createKey('admin');
    const ctx: ChaosContext = {
      dbUrl, relay, db, port: await freePort(), short: opts.short, upstreams,
      dataDir: mkdtempSync(join(tmpdir(), 'chaos-data-')), spoolDir: mkdtempSync(join(tmpdir(), 'chaos-spool-')),
      keys: { user: user.raw, unused: unused.raw, admin: admin.raw }, secrets: [user.raw, unused.raw, admin.raw],
    };
    const results: ScenarioResult[] = [];
    for (const [name, run] of Object.entries(SCENARIOS)) {
      if (opts.only && !opts.only.includes(name)) continue;
      const t0 = Date.now();
      log(`chaos: ${name} ...`);
      try {
        const r = await run(ctx);
        results.push(r);
        log(`chaos: ${name} ${r.ok ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      } catch (err) {
        results.push({ name, ok: false, figures: { error: (err as Error).message.slice(0, 500) } });
        log(`chaos: ${name} ERROR ${(err as Error).message.slice(0, 2000)}`);
      }
    }
    return results;
  } finally {
    await relay.close();
    await Promise.all(Object.values(upstreams).map((u) => u.close()));
    await db.close();
  }
}

export function table(results: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}`);
    for (const [k, v] of Object.entries(r.figures)) lines.push(`        ${k.padEnd(40)} ${v}`);
    for (const n of r.notes ?? []) lines.push(`        note: ${n}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const short = process.argv.includes('--short');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  runChaos({ short, only }).then(
    (results) => {
      process.stdout.write(`\n${table(results)}\n\n${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length} failed\n`);
      process.exit(results.every((r) => r.ok) ? 0 : 1);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
