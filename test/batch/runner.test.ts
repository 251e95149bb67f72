// Batch jobs end to end on the real Postgres, the real analyzer and the production tier registry
// (admission, retry, breaker) against loopback upstreams: grouping by tier, per-line errors,
// capacity, cancel, and a restart that resumes without redoing finished items.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchService, parseJsonl, type BatchJobView } from '../../server/batch';
import { createAnalyzer } from '../../server/complexity';
import type { Analyzer } from '../../server/complexity/types';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import type { DecisionRecord } from '../../server/decisions/types';
import { createChatService } from '../../server/gateway/chat-service';
import { createTierRegistry } from '../../server/tiers/registry';
import { defaultPolicy, policySchema } from '../../server/routing/policy';
import type { Principal } from '../../server/contracts/principal';
import type { TierConfig } from '../../server/tiers/types';
import { tierConfig } from '../routing/invoker';
import { startCountingUpstream, type CountingUpstream } from './counting-upstream';

const NAMES = ['small', 'medium', 'large'] as const;
let prisma: PrismaClient;
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
const ups = {} as Record<(typeof NAMES)[number], CountingUpstream>;
let tiers: TierConfig[];
const decisions: DecisionRecord[] = [];
// Keyword rules make each line's tier deterministic whatever the classifier thinks of it.
const policy = policySchema.parse({
  ...defaultPolicy(),
  rules: [
    { id: 'e', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } },
    { id: 'm', match: { keyword: 'MID' }, action: { type: 'force', target: 'medium' } },
    { id: 'h', match: { keyword: 'HARD' }, action: { type: 'force', target: 'large' } },
  ],
});
const principal: Principal = { kind: 'user', id: randomUUID(), userId: null, apiKeyId: null, role: 'analyst', tenant: 'batch-test', name: 'batch@test' };

function service(a: Analyzer = analyzer) {
  const byName = () => new Map(tiers.map((t) => [t.name, t]));
  const registry = createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName().get(n) } });
  const gateway = { analyzer: a, policy: { current: () => ({ version: 1, policy }) }, tiers: registry };
  const chat = createChatService({ ...gateway, cache: null, sink: { record: (d) => decisions.push(d) } });
  return createBatchService({ prisma, chat, gateway, log: () => undefined });
}

/**
 * A per-test marker found again in decision previews. Letters only: digits followed by " 1" can read
 * as a phone number to the preview redaction and vanish from every preview ("[number]"). And none of
 * the letters of the rule keywords (easy, mid, hard): the rules match substrings, so a tag spelling
 * "mid" sent the HARD lines to the medium tier (about 1 run in 700).
 */
const TAG_LETTERS = 'bcfgjklnopqtuvwx';
const newTag = () => Array.from(randomUUID().replace(/-/g, '').slice(0, 8), (h) => TAG_LETTERS[parseInt(h, 16)]).join('');

async function until(svc: ReturnType<typeof service>, id: string, ok: (j: BatchJobView) => boolean): Promise<BatchJobView> {
  for await (const j of svc.watch(id)) if (ok(j)) return j;
  throw new Error('the job ended before the condition held');
}

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the vitest global setup provides one)');
  prisma = createPrisma(url, { poolSize: 6 });
  analyzer = await createAnalyzer();
  for (const n of NAMES) ups[n] = await startCountingUpstream(n);
  tiers = NAMES.map((n, i) => tierConfig(n, ups[n].baseUrl, { role: n, maxConcurrency: 3, inputPricePerM: [0.1, 1, 10][i], outputPricePerM: [0.2, 2, 30][i] }));
});
afterAll(async () => {
  await Promise.all(NAMES.map((n) => ups[n].close()));
  await analyzer.close();
  await prisma.$disconnect();
});

describe('batch jobs', () => {
  it('classifies, groups by tier, answers every good line, and gives each bad line its own error', async () => {
    const tag = newTag();
    const text = [
      ...[1, 2, 3, 4].map((k) => JSON.stringify({ prompt: `EASY ${tag} ${k}: what is ${k}+${k}?`, custom_id: `e${k}` })),
      '{"prompt": "unterminated',
      ...[1, 2, 3].map((k) => JSON.stringify({ messages: [{ role: 'user', content: `MID ${tag} ${k}: summarise the French revolution` }] })),
      '',
      JSON.stringify({ text: 'no prompt here' }),
      ...[1, 2].map((k) => JSON.stringify({ custom_id: `h${k}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'auto', messages: [{ role: 'user', content: `HARD ${tag} ${k}: prove it` }] } })),
      JSON.stringify({ prompt: `EASY ${tag} forced`, model: 'no-such-tier' }),
    ].join('\n');
    const svc = service();
    const before = decisions.length;
    const job = await svc.create(principal, { name: `mixed ${tag}`, lines: parseJsonl(text) });
    expect(job).toMatchObject({ status: 'queued', total: 12, failed: 2, done: 0 });
    await svc.settled(job.id);

    const end = (await svc.get(job.id))!;
    expect(end).toMatchObject({ status: 'completed', total: 12, done: 9, failed: 3 });
    expect(end.perTier).toEqual({
      small: { total: 4, done: 4, failed: 0 },
      medium: { total: 3, done: 3, failed: 0 },
      large: { total: 2, done: 2, failed: 0 },
      '(rejected)': { total: 1, done: 1, failed: 1 },
    });
    expect(ups.small.prompts.filter((p) => p.includes(tag))).toHaveLength(4);
    expect(ups.medium.prompts.filter((p) => p.includes(tag))).toHaveLength(3);
    expect(ups.large.prompts.filter((p) => p.includes(tag))).toHaveLength(2);

    const r = (await svc.results(job.id))!;
    expect(r.items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13]);
    const byLine = new Map(r.items.map((i) => [i.line, i]));
    expect(byLine.get(1)).toMatchObject({ status: 'done', customId: 'e1', tier: 'small', answeredBy: 'small', error: null });
    expect(byLine.get(1)!.content).toContain(`EASY ${tag} 1`);
    expect(byLine.get(5)).toMatchObject({ status: 'failed', content: null });
    expect(byLine.get(5)!.error).toMatch(/^line 5: not valid JSON/);
    expect(byLine.get(10)!.error).toMatch(/^line 10: needs a non-empty "prompt"/);
    expect(byLine.get(12)).toMatchObject({ status: 'done', customId: 'h2', tier: 'large' });
    expect(byLine.get(13)).toMatchObject({ status: 'failed', tier: '(rejected)' });
    expect(byLine.get(13)!.error).toMatch(/unknown_tier|no-such-tier/);

    // every dispatched item (not the malformed lines) yielded one decision record with source 'batch'
    const mine = decisions.slice(before).filter((d) => d.promptPreview?.includes(tag) ?? true);
    expect(mine.filter((d) => d.source === 'batch')).toHaveLength(10);
    const ids = new Set(mine.map((d) => d.id));
    for (const i of r.items.filter((x) => x.line !== 5 && x.line !== 10)) expect(ids.has(i.decisionId!)).toBe(true);

    expect(r.summary).toMatchObject({ items: 12, done: 9, failed: 3, cancelled: 0, pending: 0, tokensIn: 90, tokensOut: 45 });
    expect(r.summary.costUsd).toBeCloseTo(end.costUsd, 12);
    expect(r.summary.byTier.large.costUsd).toBeGreaterThan(r.summary.byTier.small.costUsd);
    expect(r.summary.byTier.small).toMatchObject({ items: 4, done: 4 });
  });

  it('assesses each auto-routed item once: the grouping assessment travels with the item to the pipeline', async () => {
    const tag = newTag();
    const assessed: string[] = [];
    // the real analyzer, with a tally of the prompts it is asked about
    const tallying: Analyzer = { modelVersion: analyzer.modelVersion, assess: (text) => (assessed.push(text), analyzer.assess(text)) };
    const svc = service(tallying);
    const before = decisions.length;
    const prompts = [`What is the capital of France? ${tag}`, `Write a detailed business plan for a bakery ${tag}`, `hi ${tag}`];
    const job = await svc.create(principal, { name: `once ${tag}`, lines: parseJsonl(prompts.map((p) => JSON.stringify({ prompt: p })).join('\n')) });
    await svc.settled(job.id);
    expect(await svc.get(job.id)).toMatchObject({ status: 'completed', done: 3 });
    expect(assessed.filter((t) => t.includes(tag)).sort()).toEqual([...prompts].sort());
    // and the recorded decisions carry that assessment
    const mine = decisions.slice(before).filter((d) => d.promptPreview?.includes(tag));
    expect(mine).toHaveLength(3);
    for (const d of mine) expect(d.band).not.toBeNull();
  });

  it('never sends a tier more than its capacity, even with two jobs at once', async () => {
    const tag = newTag();
    tiers = tiers.map((t) => (t.name === 'small' ? { ...t, maxConcurrency: 2 } : t));
    ups.small.reset();
    ups.small.latencyMs = 40;
    const svc = service();
    const lines = (j: number) => parseJsonl(Array.from({ length: 8 }, (_, k) => JSON.stringify({ prompt: `EASY ${tag} job${j} item ${k}` })).join('\n'));
    const a = await svc.create(principal, { name: `cap-a ${tag}`, lines: lines(1) });
    const b = await svc.create(principal, { name: `cap-b ${tag}`, lines: lines(2) });
    await Promise.all([svc.settled(a.id), svc.settled(b.id)]);
    expect((await svc.get(a.id))!.done + (await svc.get(b.id))!.done).toBe(16);
    expect(ups.small.prompts.filter((p) => p.includes(tag))).toHaveLength(16);
    expect(ups.small.peak).toBe(2); // filled to capacity, never above
    expect(svc.runner.peakInFlight('small')).toBe(2);
    ups.small.latencyMs = 20;
    tiers = tiers.map((t) => (t.name === 'small' ? { ...t, maxConcurrency: 3 } : t));
  });

  it('resumes unfinished jobs after a restart without redoing finished items', async () => {
    const tag = newTag();
    tiers = tiers.map((t) => (t.name === 'medium' ? { ...t, maxConcurrency: 1 } : t));
    ups.medium.holdAfter = 3; // the 4th call hangs: the job is mid-way when the process stops
    const first = service();
    const job = await first.create(principal, { name: `resume ${tag}`, lines: parseJsonl(Array.from({ length: 8 }, (_, k) => JSON.stringify({ prompt: `MID ${tag} item ${k}` })).join('\n')) });
    await until(first, job.id, (j) => j.done === 3);
    await first.stop(); // as on SIGTERM: the call in flight is abandoned, queued items stay queued
    const mid = (await first.get(job.id))!;
    expect(mid.status).toBe('running');
    expect(mid.done).toBe(3);
    const doneBefore = (await first.results(job.id))!.items.filter((i) => i.status === 'done').map((i) => `MID ${tag} item ${i.line - 1}`);
    expect((await first.results(job.id))!.items.some((i) => i.status === 'failed')).toBe(false);

    ups.medium.holdAfter = Infinity;
    const second = service(); // a new process: same database, fresh runner
    await second.start();
    await second.settled(job.id);
    const end = (await second.get(job.id))!;
    expect(end).toMatchObject({ status: 'completed', done: 8, failed: 0 });
    expect(end.perTier).toEqual({ medium: { total: 8, done: 8, failed: 0 } });
    const sent = ups.medium.prompts.filter((p) => p.includes(tag));
    for (const p of doneBefore) expect(sent.filter((s) => s === p)).toHaveLength(1);
    for (let k = 0; k < 8; k++) expect(sent).toContain(`MID ${tag} item ${k}`);
    tiers = tiers.map((t) => (t.name === 'medium' ? { ...t, maxConcurrency: 3 } : t));
  });

  it('leaves a job held by a live runner to it: another process starting does not take it over', async () => {
    const tag = newTag();
    tiers = tiers.map((t) => (t.name === 'small' ? { ...t, maxConcurrency: 1 } : t));
    ups.small.latencyMs = 40;
    const owner = service();
    const job = await owner.create(principal, { name: `lease ${tag}`, lines: parseJsonl(Array.from({ length: 4 }, (_, k) => JSON.stringify({ prompt: `EASY ${tag} ${k}` })).join('\n')) });
    const other = service();
    await other.start();
    expect(other.runner.running()).not.toContain(job.id);
    await owner.settled(job.id);
    expect(await owner.get(job.id)).toMatchObject({ status: 'completed', done: 4 });
    expect(ups.small.prompts.filter((p) => p.includes(tag))).toHaveLength(4); // each item sent once
    await other.stop();
    ups.small.latencyMs = 20;
    tiers = tiers.map((t) => (t.name === 'small' ? { ...t, maxConcurrency: 3 } : t));
  });

  it('cancels: queued items become cancelled, the job stops, and a finished job cannot be cancelled', async () => {
    const tag = newTag();
    tiers = tiers.map((t) => (t.name === 'large' ? { ...t, maxConcurrency: 1 } : t));
    ups.large.holdAfter = 2; // the 3rd call hangs until the cancel aborts it
    const svc = service();
    const job = await svc.create(principal, { name: `cancel ${tag}`, lines: parseJsonl(Array.from({ length: 10 }, (_, k) => JSON.stringify({ prompt: `HARD ${tag} ${k}` })).join('\n')) });
    await until(svc, job.id, (j) => j.done === 2);
    expect(await svc.cancel(job.id)).toBe(true);
    await svc.settled(job.id);
    const end = (await svc.get(job.id))!;
    expect(end.status).toBe('cancelled');
    const r = (await svc.results(job.id))!;
    expect(r.summary).toMatchObject({ done: 2, cancelled: 8, failed: 0 }); // the aborted call is cancelled, not failed
    expect(r.summary.pending).toBe(0);
    expect(await svc.cancel(job.id)).toBe(false);
    ups.large.holdAfter = Infinity;
    tiers = tiers.map((t) => (t.name === 'large' ? { ...t, maxConcurrency: 3 } : t));
  });

  it('rejects an empty batch and stores an all-bad batch as completed with every error', async () => {
    const svc = service();
    await expect(svc.create(principal, { name: 'empty', lines: [] })).rejects.toThrow(/no requests/);
    const job = await svc.create(principal, { name: 'all bad', lines: parseJsonl('nope\n[1,2]\n{"prompt": ""}') });
    expect(job).toMatchObject({ status: 'completed', total: 3, failed: 3, done: 0 });
    const r = (await svc.results(job.id))!;
    expect(r.items.map((i) => i.error)).toEqual([expect.stringMatching(/^line 1: not valid JSON/), 'line 2: a line must be a JSON object', expect.stringMatching(/^line 3: prompt/)]);
  });
});
