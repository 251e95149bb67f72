// The chaos scenarios. Each runs against real processes (the app, Postgres behind a relay, fault
// tiers on loopback) and returns its figures and whether its invariants held. Timing goals (detection
// within 2 s, stalls under 50 ms) are reported as figures; only the full run judges them.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHAOS_SECRETS, type AppProcess } from './app';
import { app, ask, type ChaosContext, type ScenarioResult } from './context';
import { openLoop, send, sleep, summarize, type Outcome } from './load';

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
