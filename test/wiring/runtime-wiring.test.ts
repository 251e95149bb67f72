// The tuning loop wired into the running server (compose.ts): tuner and quality over tRPC, a
// thumbs-down on a cached answer evicting it, and explicit ratings reaching the analyzer's history.
// A real runtime on the test Postgres with its embedded simulated tiers.
import '../../server/runtime/preload-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createCaller } from '../../server/api/root';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { principal, testRuntime, uid } from '../api/helpers';

let runtime: Runtime;
let prisma: PrismaClient;
let adminId: string;
beforeAll(async () => {
  runtime = await testRuntime({ CASCADE_RATING_HISTORY: 'true' });
  prisma = createPrisma(process.env.TEST_DATABASE_URL!, { poolSize: 2 });
  const admin = await runtime.stores.users.create({ email: `${uid('admin')}@test.local`, name: 'Admin', role: 'admin', password: 'admin password' }, { id: null, label: 'test' });
  adminId = admin.id;
});
afterAll(async () => {
  await prisma.$disconnect();
  await stopRuntime();
});

const as = (role: 'user' | 'analyst' | 'admin') => createCaller({ runtime, principal: principal(role, role === 'admin' ? adminId : undefined) });
const user = principal('user');
/** The user who asked: only they (or an analyst) may rate their answers. */
const asAsker = () => createCaller({ runtime, principal: user });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  throw new Error('expected the call to fail');
}

async function decisionRow(id: string) {
  await runtime.recorder.flush();
  return prisma.decision.findFirst({ where: { id }, select: { cacheStatus: true, signals: true, plan: true } });
}

describe('tuner and quality over tRPC', () => {
  it('lists, rejects and refuses to approve proposals by the rules; admin only', async () => {
    const p = await prisma.tunerProposal.create({ data: { fromVersion: 999_999, proposal: { from: { t1: 0.3, t2: 0.55, t3: 0.8 }, to: { t1: 0.32, t2: 0.55, t3: 0.8 } }, evidence: { test: true }, reason: 'test proposal' } });
    const listed = await as('admin').tuner.proposals({ status: 'pending', limit: 200 });
    expect(listed.map((x) => x.id)).toContain(p.id);
    expect(await codeOf(as('analyst').tuner.proposals({ limit: 10 }))).toBe('FORBIDDEN');
    expect(await codeOf(as('analyst').tuner.runNow())).toBe('FORBIDDEN');
    // The policy moved on since v999999: approving is a conflict, and nothing is written.
    expect(await codeOf(as('admin').tuner.approve({ id: p.id }))).toBe('CONFLICT');
    expect(await codeOf(as('admin').tuner.decide({ id: 'no-such-proposal', approve: true, reason: '' }))).toBe('NOT_FOUND');
    expect(await as('admin').tuner.decide({ id: p.id, approve: false, reason: 'not now' })).toEqual({ status: 'rejected' });
    expect(await prisma.tunerProposal.findUnique({ where: { id: p.id } })).toMatchObject({ status: 'rejected', reason: 'not now', decidedById: adminId });
    expect(await codeOf(as('admin').tuner.reject({ id: p.id, reason: 'again' }))).toBe('CONFLICT');
  });

  it('runs the tuner now and remembers the last run', async () => {
    const run = await as('admin').tuner.runNow();
    expect(['off', 'skipped', 'kept', 'proposed', 'applied', 'rolled_back']).toContain(run.action);
    expect(typeof run.reason).toBe('string');
    expect((await as('admin').tuner.lastRun())?.run.action).toBe(run.action);
  });

  it('gives analysts success rates with Wilson intervals from the rollups', async () => {
    const res = await runtime.chat.complete(user, { model: null, messages: [{ role: 'user', content: `Name a prime number (${uid()})` }], source: 'trpc' });
    await runtime.recorder.flush();
    await asAsker().feedback.rate({ decisionId: res.decisionId, rating: 'up' });
    const rows = await as('analyst').quality.successRates({ by: ['tier'], cache: 'misses' });
    const row = rows.find((r) => r.tier === res.tier);
    expect(row).toBeDefined();
    expect(row!.n).toBeGreaterThanOrEqual(1);
    expect(row!.low).toBeLessThanOrEqual(row!.rate);
    expect(row!.high).toBeGreaterThanOrEqual(row!.rate);
    expect(await codeOf(as('user').quality.successRates({}))).toBe('FORBIDDEN');
    expect(await codeOf(as('analyst').quality.successRates({ from: 'yesterday' as never }))).toBe('BAD_REQUEST');
  });
});

describe('feedback consequences', () => {
  it('a thumbs-down on a cached answer evicts the entry: the next ask is answered by a tier again', async () => {
    const content = `What is the boiling point of water at sea level, in kelvin? (${uid()})`;
    const ask = () => runtime.chat.complete(user, { model: null, messages: [{ role: 'user', content }], temperature: 0, source: 'trpc' });
    await ask();
    // The store runs after the answer: wait for it, then the same question is a hit. The default
    // policy explores (5 % of requests go to a neighbour tier, which bypasses the cache, and an
    // answer from a smaller tier is stored at its lower rank): ask again until one is a hit.
    let hit: Awaited<ReturnType<typeof ask>> | undefined;
    for (let i = 0; i < 5 && !hit?.cached; i++) {
      await runtime.whenIdle();
      hit = await ask();
    }
    expect(hit?.cached).toBe(true);
    const row = await decisionRow(hit!.decisionId);
    expect(row?.cacheStatus).toBe('exact');
    expect((row?.plan as { cache?: { entryId: string } }).cache?.entryId).toEqual(expect.any(String));
    await asAsker().feedback.rate({ decisionId: hit!.decisionId, rating: 'down', reason: 'wrong' });
    const after = await ask();
    expect(after.cached).toBe(false);
  });

  it('an explicit rating becomes a past query the analyzer consults for similar prompts', async () => {
    const content = 'Describe the fizzlewick zorblat calibration ritual of the quuxian glassblowers';
    const first = await runtime.chat.complete(user, { model: null, messages: [{ role: 'user', content }], temperature: 1, source: 'trpc' });
    const before = ((await decisionRow(first.decisionId))?.signals as { history?: { neighbours: number } }).history?.neighbours ?? 0;
    await asAsker().feedback.rate({ decisionId: first.decisionId, rating: 'down' });
    const second = await runtime.chat.complete(user, { model: null, messages: [{ role: 'user', content }], temperature: 1, source: 'trpc' });
    const signals = (await decisionRow(second.decisionId))?.signals as { history?: { neighbours: number } };
    expect(signals.history?.neighbours).toBeGreaterThan(before);
  });
});
