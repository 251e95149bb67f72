// The chaos scenarios. Each runs against real processes (the app, Postgres behind a relay, fault
// tiers on loopback) and returns its figures and whether its invariants held. Timing goals (detection
// within 2 s, stalls under 50 ms) are reported as figures; only the full run judges them.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { appRouter } from '../../server/api/root';
import { adversarialTexts } from '../fixtures/adversarial-text';
import type { TcpRelay } from '../fixtures/tcp-relay';
import type { FakeUpstream } from '../fixtures/upstream';
import { CHAOS_SECRETS, rssMb, startApp, type AppProcess } from './app';
import type { ChaosDb } from './db';
import { openLoop, send, sleep, summarize, type Outcome, type RequestSpec } from './load';

export interface ChaosContext {
  dbUrl: string;
  relay: TcpRelay;
  db: ChaosDb;
  port: number;
  dataDir: string;
  spoolDir: string;
  short: boolean;
  upstreams: Record<string, FakeUpstream>;
  keys: { user: string; unused: string; admin: string };
  /** Raw secrets handed out during the run, for the secrets scan. */
  secrets: string[];
}

export interface ScenarioResult {
  name: string;
  ok: boolean;
  figures: Record<string, string | number>;
  notes?: string[];
}

const ask = (key: string, i: number, extra: Record<string, unknown> = {}): RequestSpec => ({
  key,
  body: { model: 'auto', messages: [{ role: 'user', content: `chaos request ${i}: what is ${i % 97} plus ${i % 13}? ${Date.now()}` }], ...extra },
});

const app = (ctx: ChaosContext, env: Record<string, string> = {}) => startApp({ databaseUrl: ctx.relay.url, port: ctx.port, dataDir: ctx.dataDir, spoolDir: ctx.spoolDir, env });
const answeredIds = (os: Outcome[]) => os.filter((o) => o.answered && o.decisionId).map((o) => o.decisionId!);

async function until(cond: () => Promise<boolean>, capMs: number, stepMs = 50): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < capMs) {
    if (await cond()) return Date.now() - t0;
    await sleep(stepMs);
  }
  return -1;
}
const readyz = (a: AppProcess) => fetch(`${a.url}/readyz`).then((r) => r.status, () => 0);

async function trpcQuery(base: string, key: string, path: string, input: unknown): Promise<{ status: number; message: string }> {
  const res = await fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { authorization: `Bearer ${key}` } }).catch((err: Error) => err);
  if (res instanceof Error) return { status: 0, message: `${res.message} (${String((res.cause as Error | undefined)?.message)})` };
  const body = (await res.json().catch(() => ({}))) as { error?: { json?: { message?: string } } };
  return { status: res.status, message: body.error?.json?.message ?? '' };
}

export async function dbDown(ctx: ChaosContext): Promise<ScenarioResult> {
  const outageMs = ctx.short ? 3_000 : 60_000;
  const a = await app(ctx);
  try {
    await send(a.url, ask(ctx.keys.user, -1));
    const load = openLoop(a.url, 20, (i) => ask(ctx.keys.user, i));
    await sleep(2_000);
    await ctx.relay.cut();
    await sleep(Math.min(4_000, outageMs / 2)); // past the key cache's 5 s memory for most of it
    const unknown = await send(a.url, ask(ctx.keys.unused, 0));
    const ready = await readyz(a);
    const consoleMsg = await trpcQuery(a.url, ctx.keys.user, 'decisions.list', {});
    await sleep(Math.max(0, outageMs - Math.min(4_000, outageMs / 2)));
    await ctx.relay.restore();
    await sleep(3_000);
    const outcomes = await load.stop();
    await a.stop('SIGTERM');
    const check = await ctx.db.checkDecisions(answeredIds(outcomes));
    const failed = outcomes.filter((o) => !o.answered).length;
    return {
      name: `database down ${outageMs / 1000} s under load (20 req/s)`,
      ok: failed === 0 && check.missing === 0 && check.duplicated === 0 && unknown.status === 503 && !!unknown.retryAfter && ready === 503 && /database unavailable/.test(consoleMsg.message),
      figures: {
        requests: outcomes.length,
        'failed (known key)': failed,
        'decisions missing / duplicated': `${check.missing} / ${check.duplicated}`,
        'unknown key during outage': `${unknown.status} Retry-After ${unknown.retryAfter}`,
        '/readyz during outage': ready,
        'console (tRPC) says': `${consoleMsg.status} "${consoleMsg.message}"`,
      },
    };
  } finally {
    await ctx.relay.restore();
    await a.stop('SIGKILL');
  }
}

export async function dbHang(ctx: ChaosContext): Promise<ScenarioResult> {
  const hangMs = Number(process.env.CHAOS_HANG_MS ?? 0) || (ctx.short ? 3_000 : 60_000);
  const a = await app(ctx);
  try {
    await send(a.url, ask(ctx.keys.user, -1));
    const load = openLoop(a.url, 20, (i) => ask(ctx.keys.user, i));
    await sleep(2_000);
    const before = load.maxOutstanding();
    ctx.relay.stall();
    const detectMs = await until(async () => (await readyz(a)) === 503, 20_000);
    const t0 = Date.now();
    const unknown = await send(a.url, ask(ctx.keys.unused, 1));
    const unknownMs = Date.now() - t0;
    await sleep(Math.max(0, hangMs - detectMs));
    const during = load.maxOutstanding();
    ctx.relay.restore();
    const recoverMs = await until(async () => (await readyz(a)) === 200, 20_000);
    await sleep(3_000);
    const outcomes = await load.stop();
    await a.stop('SIGTERM');
    const check = await ctx.db.checkDecisions(answeredIds(outcomes));
    const failed = outcomes.filter((o) => !o.answered).length;
    const after = outcomes.filter((o) => o.start > t0 + hangMs);
    return {
      name: `database hanging ${hangMs / 1000} s under load (20 req/s)`,
      ok: failed === 0 && check.missing === 0 && check.duplicated === 0 && unknown.status === 503 && detectMs >= 0 && (ctx.short || detectMs <= 2_000),
      figures: {
        'detected (readyz 503) after ms': detectMs,
        'recovered after ms': recoverMs,
        'requests outstanding, max before / during': `${before} / ${during}`,
        'failed (known key)': `${failed}${failed ? ` ${JSON.stringify(summarize(outcomes.filter((o) => !o.answered)))}` : ''}`,
        'slowest answer ms': Math.max(0, ...outcomes.filter((o) => o.answered).map((o) => o.end - o.start)),
        'unknown key': `${unknown.status} in ${unknownMs} ms`,
        '5xx after recovery': after.filter((o) => (o.status ?? 0) >= 500).length,
        'decisions missing / duplicated': `${check.missing} / ${check.duplicated}`,
      },
    };
  } finally {
    ctx.relay.restore();
    await a.stop('SIGKILL');
  }
}

export async function sigterm(ctx: ChaosContext): Promise<ScenarioResult> {
  const a = await app(ctx);
  try {
    const load = openLoop(a.url, 20, (i) =>
      i % 3 === 0 ? { key: ctx.keys.user, stream: true, body: { model: 'chaos-slow', stream: true, messages: [{ role: 'user', content: `stream ${i}` }] } } : ask(ctx.keys.user, i),
    );
    await sleep(ctx.short ? 2_000 : 5_000);
    const tTerm = Date.now();
    a.proc.kill('SIGTERM');
    await sleep(3_000);
    const outcomes = await load.stop();
    const code = await a.exited;
    const inFlight = outcomes.filter((o) => o.start < tTerm - 20 && o.end > tTerm);
    // Cut: the connection failed or a 200 ended early. A 503 "shutting down" means the request had
    // not reached the server yet (sent, but queued on a busy machine): refused cleanly, not cut.
    const refusedEarly = inFlight.filter((o) => o.status === 503 && o.connectionClose);
    const cut = inFlight.filter((o) => !o.answered && !refusedEarly.includes(o));
    const later = outcomes.filter((o) => o.start > tTerm + 20);
    const clean = later.filter((o) => o.failure === 'refused' || (o.status === 503 && o.connectionClose));
    const streams = inFlight.filter((o) => o.body.includes('chat.completion.chunk'));
    const check = await ctx.db.checkDecisions(answeredIds(outcomes));
    return {
      name: 'SIGTERM under load (20 req/s, a third 2 s streams)',
      ok: cut.length === 0 && clean.length === later.length && check.missing === 0 && check.duplicated === 0 && code === 0,
      figures: {
        'in flight at SIGTERM': `${inFlight.length} (${streams.length} streams)`,
        'in flight cut': cut.length,
        'sent before SIGTERM, not yet received: 503': refusedEarly.length,
        'after SIGTERM: refused cleanly / all': `${clean.length} / ${later.length} (${summarize(later) ? JSON.stringify(summarize(later)) : ''})`,
        'exit code': String(code),
        'decisions missing / duplicated': `${check.missing} / ${check.duplicated}`,
      },
      notes: [...cut, ...later.filter((o) => !clean.includes(o))].map((o) => `${o.failure ?? o.status} sent ${o.start - tTerm} ms after SIGTERM, ended ${o.end - tTerm} ms after: ${o.body.slice(0, 120)}`),
    };
  } finally {
    await a.stop('SIGKILL');
  }
}

export async function kill9(ctx: ChaosContext): Promise<ScenarioResult> {
  let a = await app(ctx);
  try {
    const load = openLoop(a.url, 30, (i) => ask(ctx.keys.user, i));
    await sleep(ctx.short ? 2_000 : 5_000);
    a.proc.kill('SIGKILL');
    const outcomes = await load.stop();
    await a.exited;
    const ids = answeredIds(outcomes);
    a = await app(ctx); // the next process recovers the journal
    await sleep(2_000);
    await a.stop('SIGTERM');
    const check = await ctx.db.checkDecisions(ids);
    return {
      name: 'kill -9 under load (30 req/s)',
      ok: check.missing === 0 && check.duplicated === 0,
      figures: { answered: ids.length, 'decisions lost': check.missing, duplicated: check.duplicated, 'cut by the kill': outcomes.filter((o) => o.failure).length },
    };
  } finally {
    await a.stop('SIGKILL');
  }
}

export const FAULTS: Record<string, object> = {
  '500': { status: 500 },
  hang: { latencyMs: 120_000 },
  reset: { cutAtToken: 0 },
  garbage: { garbage: true },
  'cut stream': { cutAtToken: 3, tokenDelayMs: 10 },
  stall: { stall: true, stallAfterTokens: 2 },
  'endless stream': { endless: true, tokenDelayMs: 2 },
  'empty answer': { empty: true },
};

const STREAM_ONLY = new Set(['reset', 'cut stream']);

export async function tierFaults(ctx: ChaosContext): Promise<ScenarioResult> {
  const a = await app(ctx);
  const figures: Record<string, string> = {};
  let ok = true;
  try {
    for (const fault of Object.keys(FAULTS)) {
      const row: string[] = [];
      // A cut or reset stream is a streaming fault: the plain call to that tier is answered normally.
      for (const stream of STREAM_ONLY.has(fault) ? [true] : [false, true]) {
        const t0 = Date.now();
        const o = await send(a.url, { key: ctx.keys.user, stream, body: { model: `chaos-${fault.replace(' ', '-')}`, stream, max_tokens: 50, messages: [{ role: 'user', content: `fault ${fault}` }] } }, 60_000);
        const ms = Date.now() - t0;
        const errorJson = (o.status ?? 0) >= 400 && /"error"/.test(o.body);
        const streamError = o.status === 200 && stream && /"error"/.test(o.body) && !o.body.includes('[DONE]');
        const clear = (errorJson || streamError) && !!o.decisionId;
        if (!clear) ok = false;
        row.push(`${stream ? 'stream' : 'plain'}: ${o.failure ?? o.status}${streamError ? ' + error event' : ''} in ${ms} ms${clear ? '' : ' (NOT CLEAR)'}`);
      }
      figures[fault] = row.join('; ');
    }
  } finally {
    await a.stop('SIGTERM');
  }
  return { name: 'tier faults (forced tier, 2 s timeout)', ok, figures };
}

/** 1,000+ generated malformed and adversarial requests across every door, with a latency probe beside them. */
export async function abuse(ctx: ChaosContext): Promise<ScenarioResult> {
  const a = await app(ctx);
  try {
    const warm = async () => {
      for (let i = 0; i < 10; i++) await send(a.url, ask(ctx.keys.user, i));
    };
    await warm();
    await sleep(1_000);
    const rssBefore = await rssMb(a.pid);
    // One adversarial prompt at a time, the probe beside it: a super-linear pass would show here. They
    // go to a tier in another process (the in-process simulated tiers of the default install would
    // add their own work on the 200 KB prompt to Cascade's).
    const probeWhile = async (work: () => Promise<unknown>) => {
      const lat: number[] = [];
      let on = true;
      const p = (async () => {
        while (on) {
          const t0 = performance.now();
          await fetch(`${a.url}/healthz`).then((r) => r.text(), () => '');
          lat.push(performance.now() - t0);
          await sleep(10);
        }
      })();
      await work();
      on = false;
      await p;
      return Math.max(...lat);
    };
    const idleMax = await probeWhile(() => sleep(1_000));
    let soloMax = 0;
    let soloWorst = '';
    for (const [name, t] of Object.entries(adversarialTexts(ctx.short ? 20_000 : 200_000))) {
      const m = await probeWhile(() => send(a.url, { key: ctx.keys.user, body: { model: 'chaos-fast', messages: [{ role: 'user', content: t }] } }, 60_000));
      if (m > soloMax) [soloMax, soloWorst] = [m, name];
    }
    const specs = abuseRequests(ctx, ctx.short ? 300 : 1_200);
    // The probe: a cheap request every 25 ms; its worst latency is how long other clients stall.
    const probe: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t0 = performance.now();
        await fetch(`${a.url}/healthz`).then((r) => r.text(), () => '');
        probe.push(performance.now() - t0);
        await sleep(25);
      }
    })();
    const outcomes: Outcome[] = [];
    let peak = rssBefore;
    const round = async () => {
      const queue = [...specs];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (queue.length) {
            const s = queue.shift()!;
            outcomes.push(await send(a.url, s, 60_000));
            if (outcomes.length % 100 === 0) peak = Math.max(peak, await rssMb(a.pid));
          }
        }),
      );
    };
    await round();
    probing = false;
    await prober;
    await sleep(ctx.short ? 2_000 : 10_000);
    const rssAfter = await rssMb(a.pid);
    // The same requests once more: memory held by a leak grows with each round; what the allocator
    // and V8 keep after the first (RSS rarely shrinks) does not.
    let rssAfterAgain: number | null = null;
    if (!ctx.short) {
      await round();
      await sleep(10_000);
      rssAfterAgain = await rssMb(a.pid);
    }
    const five = outcomes.filter((o) => (o.status ?? 0) >= 500 || o.failure);
    probe.sort((x, y) => x - y);
    const p99 = probe[Math.floor(probe.length * 0.99)] ?? 0;
    const max = probe.at(-1) ?? 0;
    return {
      name: `abuse: ${specs.length} generated malformed/adversarial requests, 8 at a time${ctx.short ? '' : ', twice'}`,
      // The 50 ms goal is judged on one adversarial request at a time (idle noise included); eight at
      // once on two shared cores queue behind each other's CPU work, which the second figure shows.
      ok: five.length === 0 && (ctx.short || (soloMax <= 50 + idleMax && rssAfterAgain !== null && rssAfterAgain <= rssAfter * 1.1)),
      figures: {
        '5xx or dropped': five.length,
        statuses: JSON.stringify(summarize(outcomes)),
        'probe max ms: idle / one adversarial at a time': `${idleMax.toFixed(0)} / ${soloMax.toFixed(0)} (${soloWorst})`,
        'probe p99 / max ms, 8 abusive at a time': `${p99.toFixed(0)} / ${max.toFixed(0)}`,
        'RSS MB before / peak / after': `${rssBefore.toFixed(0)} / ${peak.toFixed(0)} / ${rssAfter.toFixed(0)}`,
        ...(rssAfterAgain !== null ? { 'RSS MB after the same requests again': rssAfterAgain.toFixed(0) } : {}),
      },
      notes: five.slice(0, 5).map((o) => `${o.status ?? o.failure}: ${o.body.slice(0, 160)}`),
    };
  } finally {
    await a.stop('SIGTERM');
  }
}

function abuseRequests(ctx: ChaosContext, n: number): RequestSpec[] {
  const key = ctx.keys.user;
  const texts = Object.values(adversarialTexts(ctx.short ? 20_000 : 200_000));
  const nasty = fc.oneof(fc.string(), fc.constantFrom(...texts), fc.constant('a\u0000b'), fc.string({ unit: 'binary' }), fc.constant('\ud800'), fc.constant(''));
  const message = fc.record({ role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool'), fc.string()), content: fc.oneof(nasty, fc.anything()) }, { requiredKeys: [] });
  const chatBody = fc.oneof(
    fc.record({ model: fc.oneof(fc.constant('auto'), fc.string()), messages: fc.array(message, { maxLength: 4 }), max_tokens: fc.oneof(fc.integer(), fc.double(), fc.string()), temperature: fc.anything(), stream: fc.boolean(), response_format: fc.anything() }, { requiredKeys: ['messages'] }),
    fc.anything(),
    fc.jsonValue(),
  );
  const rawBody = fc.oneof(fc.string(), fc.constant('{"model":"auto","messages":['), fc.constant('['.repeat(50_000)), fc.constant(`{"a":"${'x'.repeat(100)}`), fc.string({ unit: 'binary' }));
  const auth = fc.oneof(fc.constant(key), fc.string(), fc.constant(`${key}x`), fc.constant('csk_'), fc.constant(''));
  const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def.procedures).map(([path, p]) => ({ path, type: p._def.type }));
  const out: RequestSpec[] = [];
  const sample = <T>(arb: fc.Arbitrary<T>, k: number) => fc.sample(arb, { numRuns: k, seed: 17 });
  const per = Math.ceil(n / 8);
  for (const b of sample(chatBody, per * 2)) out.push({ key, body: b });
  for (const r of sample(rawBody, per)) out.push({ key, rawBody: r });
  for (const t of texts) out.push({ key, body: { model: 'auto', messages: [{ role: 'user', content: t }] } });
  for (const h of sample(auth, per)) out.push({ key: h, body: { model: 'auto', messages: [{ role: 'user', content: 'hello' }] } });
  for (const b of sample(fc.anything(), per)) out.push({ key, path: '/api/v1/feedback', body: b });
  for (const r of sample(fc.oneof(fc.anything(), fc.string()), per)) out.push({ key, path: '/api/v1/batches', body: r });
  for (const h of sample(auth, Math.ceil(per / 4))) out.push({ key: h, path: '/api/v1/models', method: 'GET' });
  const inputs = sample(fc.oneof(fc.anything(), fc.jsonValue(), fc.constant({ q: 'a\u0000b' }), fc.constant({ prompt: texts[0] })), per * 2);
  for (const [i, input] of inputs.entries()) {
    const p = procedures[i % procedures.length];
    const enc = encodeURIComponent(JSON.stringify({ json: input ?? null }) ?? 'null');
    const who = i % 3 === 0 ? ctx.keys.admin : key;
    if (p.type === 'query') out.push({ key: who, path: `/api/trpc/${p.path}?input=${enc.slice(0, 6000)}`, method: 'GET' });
    else out.push({ key: who, path: `/api/trpc/${p.path}`, rawBody: JSON.stringify({ json: input ?? null }) ?? 'null' });
  }
  return out;
}

const exec = promisify(execFile);

/** A scripted session, then a full pg_dump, the app's output and the spool grepped for every secret in clear. */
export async function secrets(ctx: ChaosContext): Promise<ScenarioResult> {
  const a = await app(ctx);
  const tierKey = `sk-chaos-tier-${Date.now()}-SECRETVALUE`;
  const needles = [...ctx.secrets, tierKey, CHAOS_SECRETS.adminPassword, CHAOS_SECRETS.secretKey, CHAOS_SECRETS.nextAuthSecret];
  try {
    const post = (path: string, input: unknown) =>
      fetch(`${a.url}/api/trpc/${path}`, { method: 'POST', headers: { authorization: `Bearer ${ctx.keys.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) }).then(async (r) => ({ status: r.status, body: await r.text() }));
    const tier = await post('tiers.create', { name: `chaos-secret-${Date.now()}`, role: 'small', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: tierKey, inputPricePerM: 0, outputPricePerM: 0 });
    const created = await post('apiKeys.create', { name: 'chaos-secret' });
    const newKey = /"key":"(csk_[^"]+)"/.exec(created.body)?.[1];
    if (newKey) needles.push(newKey);
    for (let i = 0; i < 5; i++) await send(a.url, ask(newKey ?? ctx.keys.user, i));
    await a.stop('SIGTERM');
    const dump = (await exec('pg_dump', ['--data-only', ctx.dbUrl], { maxBuffer: 1 << 30 })).stdout;
    let spool = '';
    for (const f of await readdir(ctx.spoolDir).catch(() => [])) spool += await readFile(join(ctx.spoolDir, f), 'utf8').catch(() => '');
    const places = { 'pg_dump': dump, 'app output': a.output(), 'spool and journal': spool };
    const found: string[] = [];
    for (const [where, text] of Object.entries(places)) for (const n of needles) if (text.includes(n)) found.push(`${where}: ${n.slice(0, 12)}…`);
    return {
      name: 'secrets: scripted session, then pg_dump + app output + spool grepped',
      ok: found.length === 0 && tier.status === 200 && !!newKey,
      figures: { secrets: needles.length, 'bytes scanned': Object.values(places).reduce((s, t) => s + t.length, 0), 'found in clear': found.length, 'session calls': `tiers.create ${tier.status}, apiKeys.create ${created.status}` },
      notes: found,
    };
  } finally {
    await a.stop('SIGKILL');
  }
}
