// The authorization matrix: every tRPC procedure and every HTTP route, called by every kind of
// caller (anonymous, a session of each role, a session that must change its password, a session
// whose role changed since sign-in, an API key of each role, keys of another tenant), asserted
// against ONE table of who may do what (ACCESS below). Callers are real: sessions are next-auth
// JWT cookies and keys are Bearer tokens, both turned into principals by the code the server runs
// (principalFromHeaders, the HTTP handlers). A procedure or route missing from the table fails.
// Then the objects: which caller may read and rate a decision of its own / another tenant.
import '../../server/runtime/preload-native';
import type { AddressInfo } from 'node:net';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { principalFromHeaders } from '../../server/api/context';
import { appRouter, createCaller } from '../../server/api/root';
import { chatStreamHandler } from '../../server/http/chat-stream';
import { postFeedback } from '../../server/http/feedback';
import { createHttpServer } from '../../server/http/server';
import { stopRuntime, type Runtime } from '../../server/runtime';
import type { Principal, Role } from '../../server/contracts/principal';
import { testRuntime, uid } from './helpers';
import { v1Deps } from '../../server/runtime/v1-deps';

/** What a procedure needs. session: a signed-in person (not a key), any role. */
type Need = 'authed' | 'session' | 'analyst' | 'admin';

/** THE table: the least a caller needs for each tRPC procedure. Analyst and admin procedures are installation-wide (operators only). */
const ACCESS: Record<string, Need> = {
  'route.query': 'authed',
  'decisions.get': 'authed',
  'decisions.list': 'authed',
  'tiers.available': 'authed',
  'tiers.list': 'admin',
  'tiers.live': 'admin',
  'tiers.create': 'admin',
  'tiers.update': 'admin',
  'tiers.disable': 'admin',
  'tiers.testConnection': 'admin',
  'policy.active': 'analyst',
  'policy.history': 'analyst',
  'policy.save': 'admin',
  'policy.whatIf': 'admin',
  'policy.rollback': 'admin',
  'apiKeys.list': 'admin',
  'apiKeys.create': 'admin',
  'apiKeys.revoke': 'admin',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.setRole': 'admin',
  'users.setDisabled': 'admin',
  'users.resetPassword': 'admin',
  'users.remove': 'admin',
  'account.me': 'session',
  'account.changePassword': 'session',
  'analytics.filterOptions': 'analyst',
  'analytics.dashboard': 'analyst',
  'analytics.scoreHistogram': 'analyst',
  'analytics.decisions': 'analyst',
  'analytics.decision': 'analyst',
  'analytics.auditLog': 'admin',
  'analytics.tunerProposals': 'admin',
  'analytics.batchJobs': 'analyst',
  'analytics.batchResults': 'analyst',
  'batch.list': 'analyst',
  'batch.create': 'analyst',
  'batch.get': 'analyst',
  'batch.results': 'analyst',
  'batch.summary': 'analyst',
  'batch.cancel': 'analyst',
  'feedback.rate': 'authed',
  'tuner.proposals': 'admin',
  'tuner.approve': 'admin',
  'tuner.reject': 'admin',
  'tuner.decide': 'admin',
  'tuner.runNow': 'admin',
  'tuner.lastRun': 'admin',
  'models.list': 'admin',
  'models.live': 'admin',
  'models.promote': 'admin',
  'models.rollback': 'admin',
  'models.shadow': 'admin',
  'quality.successRates': 'analyst',
};

/** HTTP routes: `key` = any valid API key (sessions are not accepted on the OpenAI-compatible API); `authed` = a session or a key (a session with a temporary password: 403). */
const HTTP_ACCESS: { route: string; method: string; path: string; body?: string; need: 'key' | 'authed' }[] = [
  { route: 'POST /v1/chat/completions', method: 'POST', path: '/api/v1/chat/completions', body: '{}', need: 'key' },
  { route: 'GET /v1/models', method: 'GET', path: '/api/v1/models', need: 'key' },
  { route: 'POST /v1/feedback', method: 'POST', path: '/api/v1/feedback', body: '{}', need: 'key' },
  { route: 'POST /v1/batches', method: 'POST', path: '/api/v1/batches', body: '', need: 'key' },
  { route: 'GET /v1/batches/:id', method: 'GET', path: '/api/v1/batches/no-such-job', need: 'key' },
  { route: 'GET /v1/batches/:id/results', method: 'GET', path: '/api/v1/batches/no-such-job/results', need: 'key' },
  { route: 'POST /v1/batches/:id/cancel', method: 'POST', path: '/api/v1/batches/no-such-job/cancel', need: 'key' },
  { route: 'POST /api/chat/stream', method: 'POST', path: '/api/chat/stream', body: '{}', need: 'authed' },
];

type Caller = {
  name: string;
  headers: Record<string, string>;
  /** What the caller is, for the expectation. null = not signed in (anonymous, ended session). */
  is: { kind: 'session' | 'key'; role: Role; operator: boolean; mustChangePassword?: boolean } | null;
};

/** Derived from the table and the caller, nothing else. */
function allowed(need: Need, c: Caller): 'yes' | 'UNAUTHORIZED' | 'FORBIDDEN' {
  if (!c.is) return 'UNAUTHORIZED';
  if (c.is.mustChangePassword) return need === 'session' ? 'yes' : 'FORBIDDEN';
  if (need === 'authed') return 'yes';
  if (need === 'session') return c.is.kind === 'session' ? 'yes' : 'FORBIDDEN';
  const rank = { user: 0, analyst: 1, admin: 2 };
  return rank[c.is.role] >= rank[need] && c.is.operator ? 'yes' : 'FORBIDDEN';
}

let runtime: Runtime;
const callers: Caller[] = [];
const OTHER = uid('other').replace(/-/g, '_');
const test = { id: null, label: 'authz-matrix' };

async function session(role: Role, opts: { mustChange?: boolean; demote?: boolean } = {}): Promise<Record<string, string>> {
  const u = await runtime.stores.users.create({ email: `${uid(role)}@matrix.test`, name: '', role, password: 'matrix password' }, test);
  let sv = 0;
  if (opts.mustChange) {
    const r = await runtime.stores.users.resetPassword(u.id, test);
    const signedIn = await runtime.users.verifyPassword(u.email, r.temporaryPassword);
    sv = signedIn!.sessionVersion;
  }
  const token = await encode({ token: { sub: u.id, email: u.email, role, sv }, secret: runtime.authSecret });
  if (opts.demote) await runtime.stores.users.setRole(u.id, 'user', test);
  return { cookie: `next-auth.session-token=${token}` };
}

async function key(role: Role, tenant = 'default'): Promise<Record<string, string>> {
  const { key: raw } = await runtime.stores.apiKeys.create({ name: uid(`matrix-${role}`), tenant, role }, test);
  return { authorization: `Bearer ${raw}` };
}

const principalOf = (c: Caller) => principalFromHeaders(runtime, new Headers(c.headers));

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'yes';
  } catch (err) {
    if (err instanceof TRPCError && (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN')) return err.code;
    return 'yes'; // passed the authorization ladder; failed on the (deliberately empty) input or a missing object
  }
}

beforeAll(async () => {
  runtime = await testRuntime();
  callers.push(
    { name: 'anonymous', headers: {}, is: null },
    { name: 'session user', headers: await session('user'), is: { kind: 'session', role: 'user', operator: true } },
    { name: 'session analyst', headers: await session('analyst'), is: { kind: 'session', role: 'analyst', operator: true } },
    { name: 'session admin', headers: await session('admin'), is: { kind: 'session', role: 'admin', operator: true } },
    { name: 'session admin with a temporary password', headers: await session('admin', { mustChange: true }), is: { kind: 'session', role: 'admin', operator: true, mustChangePassword: true } },
    { name: 'session of an admin demoted since sign-in', headers: await session('admin', { demote: true }), is: null },
    { name: 'key user', headers: await key('user'), is: { kind: 'key', role: 'user', operator: true } },
    { name: 'key analyst', headers: await key('analyst'), is: { kind: 'key', role: 'analyst', operator: true } },
    { name: 'key admin', headers: await key('admin'), is: { kind: 'key', role: 'admin', operator: true } },
    { name: 'key user of another tenant', headers: await key('user', OTHER), is: { kind: 'key', role: 'user', operator: false } },
    { name: 'key admin of another tenant', headers: await key('admin', OTHER), is: { kind: 'key', role: 'admin', operator: false } },
    { name: 'revoked key', headers: { authorization: 'Bearer csk_revoked-or-never-issued' }, is: null },
  );
});
afterAll(async () => {
  await stopRuntime();
});

describe('every tRPC procedure x every caller', () => {
  it('has one row in the table per procedure', () => {
    const procedures = Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures).sort();
    expect(procedures).toEqual(Object.keys(ACCESS).sort());
  });

  it('lets exactly the table through', async () => {
    const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures;
    const got: string[] = [];
    const want: string[] = [];
    for (const c of callers) {
      const caller = createCaller({ runtime, principal: await principalOf(c) }) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
      for (const path of Object.keys(ACCESS)) {
        const [ns, name] = path.split('.');
        // An empty input: authorized callers fail validation (or find nothing), so nothing is changed.
        const input = procedures[path]._def.type === 'mutation' || path.includes('.get') ? {} : undefined;
        got.push(`${c.name} -> ${path}: ${await outcome(caller[ns][name](input))}`);
        want.push(`${c.name} -> ${path}: ${allowed(ACCESS[path], c)}`);
      }
    }
    expect(got).toEqual(want);
  });
});

describe('every HTTP route x every caller', () => {
  it('answers 401 / 403 to callers the table refuses and lets the others through', async () => {
    const deps = v1Deps(runtime, 1 << 20);
    // Next's route for the chat stream turns headers into a principal the same way (app/api/chat/stream/route.ts).
    const server = createHttpServer(async () => deps, async (req, res) => {
      if (req.url !== '/api/chat/stream') return void res.writeHead(404).end();
      const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])));
      const r = await chatStreamHandler({ chat: runtime.chat, tiers: runtime.tiers, maxBodyBytes: 1 << 20 }, await principalFromHeaders(runtime, headers), { body: req, contentLength: req.headers['content-length'] ?? null });
      res.writeHead(r.status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const got: string[] = [];
      const want: string[] = [];
      for (const c of callers) {
        for (const r of HTTP_ACCESS) {
          const res = await fetch(base + r.path, { method: r.method, headers: { ...c.headers, 'content-type': 'application/json' }, body: r.body });
          await res.arrayBuffer();
          got.push(`${c.name} -> ${r.route}: ${res.status === 401 || res.status === 403 ? res.status : 'through'}`);
          const may = c.is !== null && (r.need === 'authed' ? !c.is.mustChangePassword : c.is.kind === 'key');
          const refused = c.is?.mustChangePassword && r.need === 'authed' ? 403 : 401;
          want.push(`${c.name} -> ${r.route}: ${may ? 'through' : refused}`);
          if (may) expect(res.status, `${c.name} ${r.route}`).toBeLessThan(500);
        }
      }
      expect(got).toEqual(want);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('decisions of one tenant, seen from another', () => {
  it('are read and rated only by who the visibility rule names; everyone else gets "not found"', async () => {
    const by = (name: string) => callers.find((c) => c.name === name)!;
    const owner = by('key user');
    const ownerP = (await principalOf(owner)) as Principal;
    const answered = await runtime.chat.complete(ownerP, { model: null, messages: [{ role: 'user', content: `matrix ${uid()}: what is 2 + 2?` }], source: 'api' });
    await runtime.recorder.flush();
    const id = answered.decisionId;

    // Who may read it: the owner; operators with the analyst role; nobody of another tenant.
    const READ: Record<string, 'yes' | 'NOT_FOUND' | 'UNAUTHORIZED' | 'FORBIDDEN'> = {
      anonymous: 'UNAUTHORIZED',
      'session user': 'NOT_FOUND',
      'session analyst': 'yes',
      'session admin': 'yes',
      'session admin with a temporary password': 'FORBIDDEN',
      'session of an admin demoted since sign-in': 'UNAUTHORIZED',
      'key user': 'yes',
      'key analyst': 'yes',
      'key admin': 'yes',
      'key user of another tenant': 'NOT_FOUND',
      'key admin of another tenant': 'NOT_FOUND',
      'revoked key': 'UNAUTHORIZED',
    };
    const code = async (p: Promise<unknown>) => p.then(() => 'yes', (e: unknown) => (e instanceof TRPCError ? e.code : String(e)));
    const read: Record<string, string> = {};
    const rate: Record<string, string> = {};
    for (const c of callers) {
      const caller = createCaller({ runtime, principal: await principalOf(c) });
      read[c.name] = await code(caller.decisions.get({ id }));
      rate[c.name] = await code(caller.feedback.rate({ decisionId: id, rating: 'up' }));
    }
    expect(read).toEqual(READ);
    // Rating follows reading: the same decision, the same answers (all these callers are in its tenant or refused).
    expect(rate).toEqual(READ);

    // The OpenAI-compatible door says the same: 404 for another tenant, as the API docs promise.
    const http = async (c: Caller) => {
      const body = JSON.stringify({ decision_id: id, rating: 'down' });
      const r = await postFeedback(
        { apiKeys: runtime.apiKeys, feedback: runtime.feedback, maxBodyBytes: 1 << 20 },
        { header: (n) => (n === 'authorization' ? (c.headers.authorization ?? null) : null), body: (async function* () { yield new TextEncoder().encode(body); })() },
      );
      return r.status;
    };
    expect(await http(by('key admin of another tenant'))).toBe(404);
    expect(await http(by('key user'))).toBe(200);

    // And the list: another tenant's admin key sees its tenant's decisions only.
    const otherAdmin = createCaller({ runtime, principal: await principalOf(by('key admin of another tenant')) });
    const theirs = await runtime.chat.complete((await principalOf(by('key user of another tenant')))!, { model: null, messages: [{ role: 'user', content: `matrix ${uid()}: and 3 + 3?` }], source: 'api' });
    await runtime.recorder.flush();
    const listed = (await otherAdmin.decisions.list({ limit: 200 })).items.map((d) => d.id);
    expect(listed).toContain(theirs.decisionId);
    expect(listed).not.toContain(id);
    await expect(otherAdmin.decisions.get({ id: theirs.decisionId })).resolves.toMatchObject({ id: theirs.decisionId });
  });
});

describe('an API key scoped to some tiers', () => {
  it('is answered by those tiers only, and refused a tier outside them', async () => {
    const { targets } = runtime.policy.current().policy;
    const small = { name: targets.small };
    const large = { name: targets.large };
    const { key: raw } = await runtime.stores.apiKeys.create({ name: uid('scoped'), tenant: 'default', role: 'user', allowedTiers: [small.name] }, test);
    const p = (await principalFromHeaders(runtime, new Headers({ authorization: `Bearer ${raw}` })))!;
    const ask = (model: string | null) => runtime.chat.complete(p, { model, messages: [{ role: 'user', content: `scope ${uid()}: prove that there are infinitely many primes, step by step` }], source: 'api' });
    await expect(ask(large.name)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await ask(null)).tier).toBe(small.name);
  });
});
