// Batch jobs through the transports on a real runtime (Postgres, analyzer, simulated tiers):
// POST/GET /api/v1/batches over the process's HTTP server with Bearer keys, and the tRPC batch
// router with the analyst role; the console's job list reads the same rows.
import '../../server/runtime/preload-native';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { tierProgress } from '../../server/analytics/admin-reads';
import { createHttpServer } from '../../server/http/server';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { principal, testRuntime, uid } from '../api/helpers';
import { v1Deps } from '../../server/runtime/v1-deps';

let runtime: Runtime;
let baseUrl: string;
let close: () => Promise<void>;
let key: string;
let otherKey: string;

beforeAll(async () => {
  runtime = await testRuntime();
  const deps = v1Deps(runtime);
  const server = createHttpServer(async () => deps, (_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  const actor = { id: null, label: 'test' };
  key = (await runtime.stores.apiKeys.create({ name: uid('batch'), tenant: uid('tenant'), role: 'user' }, actor)).key;
  otherKey = (await runtime.stores.apiKeys.create({ name: uid('other'), tenant: uid('tenant'), role: 'user' }, actor)).key;
});
afterAll(async () => {
  await close?.();
  await stopRuntime();
});

const auth = (k: string) => ({ authorization: `Bearer ${k}` });

async function sseEvents(res: Response): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const text = await res.text();
  return text.split('\n\n').filter(Boolean).map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
    return { event, data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown> };
  });
}

describe('HTTP /api/v1/batches', () => {
  it('refuses a body whose every line is invalid with 400 and the line errors, creating no job', async () => {
    const tag = uid('allbad');
    const body = ['{oops', '{"prompt": 42}', '[1, 2]'].join('\n');
    const post = await fetch(`${baseUrl}/batches?name=${encodeURIComponent(tag)}`, { method: 'POST', headers: { ...auth(key), 'content-type': 'application/x-ndjson' }, body });
    expect(post.status).toBe(400);
    const res = (await post.json()) as { error: { message: string; code: string }; line_errors: Array<{ line: number; error: string }>; line_errors_total: number };
    expect(res.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^None of the 3 lines is a valid request \(line 1: .*not valid JSON/) });
    expect(res.line_errors.map((e) => e.line)).toEqual([1, 2, 3]);
    expect(res.line_errors_total).toBe(3);
    const analyst = createCaller({ runtime, principal: principal('analyst') });
    expect((await analyst.batch.list({ limit: 200 })).some((j) => j.name === tag)).toBe(false);
    await expect(analyst.batch.create({ name: tag, lines: ['{oops', { prompt: 3 }] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^None of the 2 lines is a valid request \(line 1: /) });
  });

  it('takes a JSON Lines body, streams progress to the end, and serves results with a cost summary', async () => {
    const tag = uid('b');
    const body = [`{"prompt": "What is the capital of France? ${tag}", "custom_id": "a"}`, '{oops', `{"messages": [{"role": "user", "content": "Say hi. ${tag}"}]}`].join('\n');
    const post = await fetch(`${baseUrl}/batches?name=${encodeURIComponent(tag)}`, { method: 'POST', headers: { ...auth(key), 'content-type': 'application/x-ndjson' }, body });
    expect(post.status).toBe(202);
    const job = (await post.json()) as { id: string; status: string; total: number; failed: number; line_errors: Array<{ line: number; error: string }> };
    expect(job).toMatchObject({ status: 'queued', total: 3, failed: 1 });
    expect(job.line_errors).toEqual([{ line: 2, error: expect.stringMatching(/not valid JSON/) }]);

    const stream = await fetch(`${baseUrl}/batches/${job.id}`, { headers: { ...auth(key), accept: 'text/event-stream' } });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await sseEvents(stream);
    expect(events.at(-1)?.event).toBe('end');
    const last = events.filter((e) => e.event === 'progress').at(-1)!.data;
    expect(last).toMatchObject({ id: job.id, status: 'completed', total: 3, done: 2, failed: 1 });
    const perTier = last.per_tier as Record<string, { total: number; done: number }>;
    expect(Object.values(perTier).reduce((s, t) => s + t.total, 0)).toBe(2);

    const get = await fetch(`${baseUrl}/batches/${job.id}`, { headers: auth(key) });
    expect(await get.json()).toMatchObject({ status: 'completed', done: 2 });

    const res = await fetch(`${baseUrl}/batches/${job.id}/results`, { headers: auth(key) });
    expect(res.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const rows = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({ line: 1, custom_id: 'a', status: 'done', error: null });
    expect(typeof rows[0].content).toBe('string');
    expect(rows[1]).toMatchObject({ line: 2, status: 'failed', content: null });
    expect(rows[3]).toMatchObject({ summary: { items: 3, done: 2, failed: 1 } });
    expect((rows[3].summary as { costUsd: number }).costUsd).toBeCloseTo(last.cost_usd as number, 12);
  });

  it('answers clear errors: no key, someone else\'s job, an empty body, a wrong method', async () => {
    expect((await fetch(`${baseUrl}/batches`, { method: 'POST', body: '{"prompt":"x"}' })).status).toBe(401);
    const post = await fetch(`${baseUrl}/batches`, { method: 'POST', headers: auth(key), body: `{"prompt": "hello ${uid()}"}` });
    const { id } = (await post.json()) as { id: string };
    const other = await fetch(`${baseUrl}/batches/${id}`, { headers: auth(otherKey) });
    expect(other.status).toBe(404);
    const empty = await fetch(`${baseUrl}/batches`, { method: 'POST', headers: auth(key), body: '\n\n' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(/no requests/);
    expect((await fetch(`${baseUrl}/batches/${id}/results`, { method: 'DELETE', headers: auth(key) })).status).toBe(405);
    expect((await fetch(`${baseUrl}/batches/nope`, { headers: auth(key) })).status).toBe(404);
    await runtime.batches.settled(id);
  });
});

describe('tRPC batch router', () => {
  it('creates with per-line errors, reports per-tier progress the console can draw, and refuses the user role', async () => {
    const analyst = createCaller({ runtime, principal: principal('analyst') });
    const tag = uid('t');
    const { job, lineErrors } = await analyst.batch.create({ name: `${tag}.jsonl`, lines: [{ prompt: `Name a colour. ${tag}` }, '{"prompt": 3}', `{"prompt": "Name a fruit. ${tag}"}`] });
    expect(lineErrors).toEqual([{ line: 2, message: expect.stringMatching(/prompt/) }]);
    await runtime.batches.settled(job.id);
    const done = await analyst.batch.get({ id: job.id });
    expect(done).toMatchObject({ status: 'completed', total: 3, done: 2, failed: 1 });
    const listed = (await analyst.analytics.batchJobs({ limit: 50 })).find((j) => j.id === job.id)!;
    const bars = tierProgress(listed.perTier, listed.total);
    expect(bars.reduce((s, b) => s + b.total, 0)).toBe(2);
    expect(bars.every((b) => b.share === 1)).toBe(true);
    const r = await analyst.batch.results({ id: job.id });
    expect(r.summary).toMatchObject({ items: 3, done: 2, failed: 1 });
    await expect(analyst.batch.cancel({ id: job.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(analyst.batch.get({ id: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const user = createCaller({ runtime, principal: principal('user') });
    await expect(user.batch.create({ name: 'x', lines: [{ prompt: 'hi' }] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
