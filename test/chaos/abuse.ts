// The abuse scenario: 1,000+ generated malformed and adversarial requests across every door and tRPC
// procedure, with a latency probe beside them (how long other clients stall) and the app's memory
// before, at the peak and after.
import fc from 'fast-check';
import { appRouter } from '../../server/api/root';
import { adversarialTexts } from '../fixtures/adversarial-text';
import { rssMb } from './app';
import { app, ask, type ChaosContext, type ScenarioResult } from './context';
import { send, sleep, summarize, type Outcome, type RequestSpec } from './load';

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
      const probe = startProbe(a.url, 10);
      await work();
      return Math.max(...(await probe.stop()));
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
    const prober = startProbe(a.url, 25);
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
    const probe = await prober.stop();
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

/** A cheap request to `url`/healthz every `everyMs` until stopped; stop() gives each one's latency (ms). */
function startProbe(url: string, everyMs: number): { stop(): Promise<number[]> } {
  const lat: number[] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const t0 = performance.now();
      await fetch(`${url}/healthz`).then((r) => r.text(), () => '');
      lat.push(performance.now() - t0);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      on = false;
      await loop;
      return lat;
    },
  };
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
