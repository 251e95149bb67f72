// tRPC routers through appRouter.createCaller against a real migrated Postgres: the procedure
// ladder, domain-error mapping, tiers, policy versions, API keys and users.
import '../../server/runtime/preload-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createCaller } from '../../server/api/root';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { defaultPolicy } from '../../server/routing/policy';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
let adminId: string;
beforeAll(async () => {
  runtime = await testRuntime();
  // Admin actions are attributed to a real user (audit events and API keys reference it).
  const admin = await runtime.stores.users.create({ email: `${uid('admin')}@test.local`, name: 'Admin', role: 'admin', password: 'admin password' }, { id: null, label: 'test' });
  adminId = admin.id;
});
afterAll(async () => {
  await stopRuntime();
});

const as = (role: 'user' | 'analyst' | 'admin' | null) =>
  createCaller({ runtime, principal: role ? principal(role, role === 'admin' ? adminId : undefined) : null });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const tierInput = (name: string, role: 'small' | 'medium' | 'large' = 'small') => ({
  name, role, kind: 'openai' as const, baseUrl: 'http://127.0.0.1:9/v1', model: 'm', inputPricePerM: 0.1, outputPricePerM: 0.2,
});

describe('procedure ladder', () => {
  it('rejects anonymous callers with UNAUTHORIZED', async () => {
    expect(await codeOf(as(null).decisions.list({}))).toBe('UNAUTHORIZED');
  });
  it('keeps users out of analyst and admin procedures', async () => {
    expect(await codeOf(as('user').policy.history())).toBe('FORBIDDEN');
    expect(await codeOf(as('user').tiers.list())).toBe('FORBIDDEN');
    expect(await codeOf(as('user').apiKeys.create({ name: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(as('user').users.list())).toBe('FORBIDDEN');
  });
  it('lets analysts read history but not administer', async () => {
    await expect(as('analyst').policy.history({ limit: 5 })).resolves.toBeInstanceOf(Array);
    expect(await codeOf(as('analyst').tiers.create(tierInput(uid('tier'))))).toBe('FORBIDDEN');
    expect(await codeOf(as('analyst').policy.rollback({ version: 1, reason: 'no' }))).toBe('FORBIDDEN');
  });
});

describe('tiers', () => {
  it('creates, updates, disables and keeps the key out of views', async () => {
    const name = uid('tier');
    const created = await as('admin').tiers.create({ ...tierInput(name), apiKey: 'sk-secret' });
    expect(created).toMatchObject({ name, hasApiKey: true, enabled: true });
    expect(JSON.stringify(created)).not.toContain('sk-secret');
    expect(runtime.tiers.byName(name)?.apiKey).toBe('sk-secret'); // decrypted in memory only
    const stored = await runtime.stores.tiers.config(created.id);
    expect(stored?.apiKey).toBe('sk-secret');
    const updated = await as('admin').tiers.update({ id: created.id, patch: { outputPricePerM: 3 } });
    expect(updated.outputPricePerM).toBe(3);
    expect(updated.hasApiKey).toBe(true);
    const disabled = await as('admin').tiers.disable({ id: created.id });
    expect(disabled.enabled).toBe(false);
    expect(runtime.tiers.byName(name)?.enabled).toBe(false);
  });
  it('maps duplicates, unknown ids and bad input to clear codes', async () => {
    const name = uid('tier');
    await as('admin').tiers.create(tierInput(name));
    expect(await codeOf(as('admin').tiers.create(tierInput(name)))).toBe('CONFLICT');
    expect(await codeOf(as('admin').tiers.disable({ id: 'no-such-tier' }))).toBe('NOT_FOUND');
    expect(await codeOf(as('admin').tiers.create({ ...tierInput(uid('t')), baseUrl: 'not a url' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('admin').tiers.create({ ...tierInput('auto') }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('admin').tiers.create({ ...tierInput(uid('t')), inputPricePerM: -1 }))).toBe('BAD_REQUEST');
  });
  it('reports an unreachable tier in testConnection instead of throwing', async () => {
    const r = await as('admin').tiers.testConnection({ draft: tierInput(uid('t')) });
    expect(r.ok).toBe(false);
    expect(r.error).toBeTruthy();
  });
});

describe('policy', () => {
  it('rejects an invalid policy with field issues and leaves the active one untouched', async () => {
    const before = await as('analyst').policy.active();
    const doc = { ...defaultPolicy(), thresholds: { t1: 0.6, t2: 0.5, t3: 0.9 }, targets: { small: uid('missing'), medium: 'medium', large: 'large' } };
    let err: unknown;
    try {
      await as('admin').policy.save({ document: doc, reason: 'bad' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(/thresholds\.t2/);
    expect((await as('analyst').policy.active())?.version).toBe(before?.version);
  });
  it('saves a new active version and rolls back to an old one as a further version', async () => {
    const [s, m, l] = [uid('s'), uid('m'), uid('l')];
    // Working tiers (this runtime's simulator): other test files may route under this policy for a moment.
    const live = (name: string, role: 'small' | 'medium' | 'large') => ({ ...tierInput(name, role), baseUrl: runtime.info.simulatorUrl!, model: `sim-${role}` });
    await as('admin').tiers.create(live(s, 'small'));
    await as('admin').tiers.create(live(m, 'medium'));
    await as('admin').tiers.create(live(l, 'large'));
    const doc = { ...defaultPolicy(), targets: { small: s, medium: m, large: l }, escalation: { small: [m, l], medium: [l], large: [] }, research: { enabled: false } };
    const saved = await as('admin').policy.save({ document: doc, reason: 'test save' });
    expect(saved.active).toBe(true);
    expect(runtime.policy.current().version).toBe(saved.version);
    const again = await as('admin').policy.save({ document: { ...doc, thresholds: { t1: 0.2, t2: 0.5, t3: 0.7 } }, reason: 'second' });
    const rolled = await as('admin').policy.rollback({ version: saved.version, reason: 'undo' });
    expect(rolled.version).toBeGreaterThan(again.version);
    expect(rolled.document.thresholds).toEqual(saved.document.thresholds);
    expect(rolled.parentVersion).toBe(saved.version);
    expect(await codeOf(as('admin').policy.rollback({ version: 999_999, reason: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(as('admin').policy.save({ document: doc, reason: '' }))).toBe('BAD_REQUEST');
  });
  afterAll(async () => {
    // The active policy is global: put back the one the other tests route with.
    const first = (await as('admin').policy.history({ limit: 500 })).find((v) => v.reason === 'default policy of a fresh install');
    if (first) await as('admin').policy.rollback({ version: first.version, reason: 'test cleanup' });
  });
});

describe('API keys and users', () => {
  it('shows a key once, verifies it by hash and rejects it once revoked', async () => {
    const { key, apiKey } = await as('admin').apiKeys.create({ name: uid('key'), tenant: 'acme' });
    expect(key).toMatch(/^csk_/);
    expect(JSON.stringify(await as('admin').apiKeys.list())).not.toContain(key);
    expect(await runtime.apiKeys.verify(key)).toMatchObject({ kind: 'apiKey', apiKeyId: apiKey.id, tenant: 'acme' });
    await as('admin').apiKeys.revoke({ id: apiKey.id });
    expect(await runtime.apiKeys.verify(key)).toBeNull();
    expect(await runtime.apiKeys.verify('csk_not-a-real-key')).toBeNull();
  });
  it('creates users, signs them in with their password and changes roles', async () => {
    const email = `${uid('u')}@test.local`;
    const u = await as('admin').users.create({ email, password: 'correct horse', role: 'user' });
    expect(await runtime.users.verifyPassword(email, 'correct horse')).toMatchObject({ id: u.id, role: 'user' });
    expect(await runtime.users.verifyPassword(email, 'wrong password')).toBeNull();
    expect((await as('admin').users.setRole({ id: u.id, role: 'analyst' })).role).toBe('analyst');
    expect(await codeOf(as('admin').users.create({ email, password: 'another one' }))).toBe('CONFLICT');
    expect(await codeOf(as('admin').users.create({ email: uid('x'), password: 'another one' }))).toBe('BAD_REQUEST');
  });
});

describe('route.query and decisions', () => {
  it('answers through the pipeline and lists and fetches the decision', async () => {
    const id = uid('asker');
    const caller = createCaller({ runtime, principal: principal('user', id) });
    const answer = await caller.route.query({ prompt: `Name three colours. ${uid()}` });
    expect(answer.content.length).toBeGreaterThan(0);
    expect(answer.decisionId).toBeTruthy();
    await runtime.recorder.flush();
    const again = await caller.route.query({ prompt: `Name three animals. ${uid()}` });
    await runtime.recorder.flush();

    const page1 = await caller.decisions.list({ limit: 1 });
    expect(page1.items.map((d) => d.id)).toEqual([again.decisionId]);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = await caller.decisions.list({ limit: 1, cursor: page1.nextCursor });
    expect(page2.items.map((d) => d.id)).toEqual([answer.decisionId]);
    expect(page2.nextCursor).toBeNull();

    const d = await caller.decisions.get({ id: answer.decisionId });
    expect(d).toMatchObject({ id: answer.decisionId, source: 'trpc', principalId: id });
    // Another user cannot see it; an analyst can.
    expect(await codeOf(as('user').decisions.get({ id: answer.decisionId }))).toBe('NOT_FOUND');
    await expect(as('analyst').decisions.get({ id: answer.decisionId })).resolves.toMatchObject({ id: answer.decisionId });
    const filtered = await as('analyst').decisions.list({ filters: { tier: answer.tier ?? undefined, status: 'ok' }, limit: 200 });
    expect(filtered.items.every((i) => i.finalTier === answer.tier && i.status === 'ok')).toBe(true);
  });
  it('answers and records a prompt with NUL characters; takes them in feedback comments and searches', async () => {
    const caller = createCaller({ runtime, principal: principal('user', uid('nul')) });
    const tag = uid('nul');
    const answer = await caller.route.query({ prompt: `What is 2+2? \u0000 ${tag}` });
    await runtime.recorder.flush();
    const d = await caller.decisions.get({ id: answer.decisionId });
    expect(d.promptPreview).toContain('\ufffd');
    await expect(caller.feedback.rate({ decisionId: answer.decisionId, rating: 'up', comment: 'fine\u0000really' })).resolves.toBeTruthy();
    const found = await as('analyst').decisions.list({ filters: { q: `\u0000 ${tag}` } });
    expect(found.items.map((i) => i.id)).toEqual([answer.decisionId]);
    await expect(as('admin').analytics.auditLog({ q: 'a\u0000b' })).resolves.toBeInstanceOf(Array);
  });
  it('rejects bad input to route and decisions', async () => {
    expect(await codeOf(as('user').route.query({ prompt: '  ' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('user').route.query({ prompt: 'hi', model: 'no-such-tier' }))).toBe('NOT_FOUND');
    expect(await codeOf(as('user').decisions.get({ id: 'not-a-uuid' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('user').decisions.list({ cursor: 'garbage' }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('analyst').decisions.list({ filters: { from: new Date('2026-02-01'), to: new Date('2026-01-01') } }))).toBe('BAD_REQUEST');
  });
});
