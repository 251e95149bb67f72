// Stored Responses API answers over their lifetime, with the official `openai` SDK against Cascade's
// HTTP server (real runtime, Postgres): the input items of a response (paged), retention (an expired
// response reads as unknown and the purge deletes it), DELETE, and response.failed when the tier
// chain fails mid-stream (a loopback tier that cuts its stream).
import '../../server/runtime/preload-native';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { getPrisma } from '../../server/db/client';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { startApiServer } from './helpers-http';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let client: OpenAI;
let cutting: FakeUpstream;

beforeAll(async () => {
  runtime = await testRuntime({ CASCADE_RESPONSES_RETENTION_DAYS: '7', CASCADE_RESPONSES_PURGE_INTERVAL_MS: '200' });
  api = await startApiServer(runtime);
  cutting = await startFakeUpstream({ content: 'one two three four five six seven eight', cutAtToken: 3 });
  const key = await runtime.stores.apiKeys.create({ name: uid('store'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  client = new OpenAI({ apiKey: key.key, baseURL: `${api.baseUrl}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await api?.close();
  await cutting?.close();
  await stopRuntime();
});

it('lists a response’s input items, newest first by default, paged with after', async () => {
  const r = await client.responses.create({
    model: 'auto',
    input: [
      { role: 'user', content: 'First, a fact: water boils at 100 C.' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: [{ type: 'input_text', text: `Now explain why. (${uid()})` }] },
    ],
  });
  const page = await client.responses.inputItems.list(r.id, { limit: 2 });
  expect(page.data.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'assistant']);
  expect(page.has_more).toBe(true);
  const all = [];
  for await (const item of client.responses.inputItems.list(r.id, { limit: 2, order: 'asc' })) all.push(item);
  expect(all).toHaveLength(3);
  expect(all[0]).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First, a fact: water boils at 100 C.' }] });
  expect(all[1]).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Noted.' }] });
  expect(new Set(all.map((i) => i.id)).size).toBe(3);
  // An input item can be referenced by a later request.
  const next = await client.responses.create({ model: 'auto', input: [{ type: 'item_reference', id: all[0].id! }, { role: 'user', content: 'Repeat the fact.' }] });
  expect(next.status).toBe('completed');

  const bad = await fetch(`${api.baseUrl}/v1/responses/${r.id}/input_items?limit=500`, { headers: { authorization: `Bearer ${client.apiKey}` } });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('limit');
  await expect(client.responses.inputItems.list('resp_0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
});

it('lists the whole conversation a response continued: earlier inputs and outputs first, as OpenAI does', async () => {
  const tag = uid();
  const first = await client.responses.create({ model: 'auto', input: `My name is Ada. (${tag})` });
  const second = await client.responses.create({ model: 'auto', previous_response_id: first.id, input: 'And my surname is Lovelace.' });
  const third = await client.responses.create({ model: 'auto', previous_response_id: second.id, input: [{ role: 'user', content: 'What is my full name?' }] });
  const all: OpenAI.Responses.ResponseItem[] = [];
  for await (const item of client.responses.inputItems.list(third.id, { order: 'asc', limit: 2 })) all.push(item);
  const text = (i: OpenAI.Responses.ResponseItem) => (i.type === 'message' ? (i.content as { text?: string }[]).map((c) => c.text ?? '').join('') : i.type);
  expect(all.map((i) => (i.type === 'message' ? i.role : i.type))).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
  expect(text(all[0])).toBe(`My name is Ada. (${tag})`);
  expect(all[1].id).toBe(first.output[0].id);
  expect(text(all[1])).toBe(first.output_text);
  expect(text(all[2])).toBe('And my surname is Lovelace.');
  expect(all[3].id).toBe(second.output[0].id);
  expect(text(all[4])).toBe('What is my full name?');
  expect(new Set(all.map((i) => i.id)).size).toBe(5);
  // Newest first by default; the first response's own list is unchanged.
  expect((await client.responses.inputItems.list(third.id, { limit: 1 })).data[0].id).toBe(all[4].id);
  expect((await client.responses.inputItems.list(first.id)).data).toHaveLength(1);
  // A deleted earlier turn ends the walk there.
  await client.responses.delete(first.id);
  const rest: OpenAI.Responses.ResponseItem[] = [];
  for await (const item of client.responses.inputItems.list(third.id, { order: 'asc' })) rest.push(item);
  expect(rest.map((i) => i.id)).toEqual(all.slice(2).map((i) => i.id));
});

it('expires responses past the retention period: unknown at once, deleted by the purge', async () => {
  const old = await client.responses.create({ model: 'auto', input: `Remember 42. (${uid()})` });
  const kept = await client.responses.create({ model: 'auto', input: `Remember 43. (${uid()})` });
  await getPrisma().storedResponse.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 8 * 86_400_000) } });
  await expect(client.responses.retrieve(old.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  await expect(client.responses.create({ model: 'auto', previous_response_id: old.id, input: 'What number?' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  // The runtime's own purge job (every 200 ms here) may delete it first; either way it is gone.
  await runtime.responses.purgeExpired();
  expect(await getPrisma().storedResponse.findUnique({ where: { id: old.id } })).toBeNull();
  expect((await client.responses.retrieve(kept.id)).id).toBe(kept.id);
  // DELETE forgets one; a second DELETE is a 404.
  await client.responses.delete(kept.id);
  await expect(client.responses.delete(kept.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
});

it("the runtime's purge job deletes an expired response on its own", async () => {
  const old = await client.responses.create({ model: 'auto', input: `Remember 44. (${uid()})` });
  await getPrisma().storedResponse.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 8 * 86_400_000) } });
  const deadline = Date.now() + 10_000;
  while ((await getPrisma().storedResponse.findUnique({ where: { id: old.id } })) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await getPrisma().storedResponse.findUnique({ where: { id: old.id } })).toBeNull();
});

it('ends a stream whose tier fails mid-answer with response.failed', async () => {
  const admin = await runtime.stores.users.create({ email: `${uid('admin')}@test.local`, name: 'Admin', role: 'admin', password: 'admin password' }, { id: null, label: 'test' });
  const caller = createCaller({ runtime, principal: principal('admin', admin.id) });
  const tier = await caller.tiers.create({ name: uid('cut'), role: 'large', kind: 'openai', baseUrl: cutting.baseUrl, model: 'fake-model', inputPricePerM: 0.1, outputPricePerM: 0.2 });
  try {
    const stream = await client.responses.create({ model: tier.name, input: 'Count to eight.', stream: true });
    const types: string[] = [];
    let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === 'response.failed') failed = ev;
    }
    expect(types.at(-1)).toBe('response.failed');
    expect(types).toContain('response.output_text.delta');
    expect(failed!.response.status).toBe('failed');
    expect(failed!.response.error).toMatchObject({ code: 'server_error', message: expect.any(String) });
    expect(failed!.response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(failed!.response.id).toMatch(/^resp_/);
    await expect(client.responses.retrieve(failed!.response.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  } finally {
    await caller.tiers.disable({ id: tier.id });
  }
});
