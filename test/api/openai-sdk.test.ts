// The official `openai` SDK, unchanged, against Cascade's HTTP server (real runtime: analyzer,
// simulated tiers on loopback, Postgres): routed and forced models, streaming, the Cascade headers,
// and a decision in Postgres for each answered request.
import '../../server/runtime/preload-native';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { decimalUsd } from '../../server/http/chat-completions';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let client: OpenAI;
let keyId: string;
let revokedKey: string;
let smallTier: string;

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  const actor = { id: null, label: 'test' };
  const created = await runtime.stores.apiKeys.create({ name: uid('sdk'), tenant: uid('tenant'), role: 'user' }, actor);
  keyId = created.apiKey.id;
  const revoked = await runtime.stores.apiKeys.create({ name: uid('revoked'), tenant: 'default', role: 'user' }, actor);
  await runtime.stores.apiKeys.revoke(revoked.apiKey.id, actor);
  revokedKey = revoked.key;
  client = new OpenAI({ apiKey: created.key, baseURL: `${api.baseUrl}/api/v1`, maxRetries: 0 });
  // The simulated tier that answers the small band (the seed names it "small").
  smallTier = runtime.tiers.list().find((t) => t.kind === 'simulated' && t.role === 'small' && t.enabled)!.name;
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

describe('OpenAI SDK against Cascade', () => {
  it('lists "auto" and the tiers as models', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids[0]).toBe('auto');
    expect(ids).toContain(smallTier);
  });

  it('routes model "auto" and returns usage and the Cascade headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: `What is the capital of France? (${uid()})` }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.content?.length).toBeGreaterThan(0);
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    const decisionId = response.headers.get('x-cascade-decision-id');
    expect(decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-cascade-tier')).toBe(data.model);
    expect(['simple', 'moderate', 'complex', 'research']).toContain(response.headers.get('x-cascade-band'));
    await runtime.recorder.flush();
    const d = await runtime.stores.decisions.get(decisionId!);
    // a plain decimal equal to the recorded cost to 10 places
    const cost = response.headers.get('x-cascade-cost-usd')!;
    expect(cost).toMatch(/^\d+(\.\d{1,10})?$/);
    expect(Number(cost)).toBeCloseTo(d!.costUsd, 10);
    expect(d).toMatchObject({ apiKeyId: keyId, finalTier: data.model, status: 'ok', source: 'api' });
    expect(d!.attempts.length).toBeGreaterThan(0);
  });

  it('writes the cost header as a plain decimal, without float noise or an exponent', () => {
    expect(decimalUsd(0.0000094 + 0.0000009)).toBe('0.0000103');
    expect(decimalUsd(1e-7)).toBe('0.0000001');
    expect(decimalUsd(0.1 + 0.2)).toBe('0.3');
    expect(decimalUsd(12)).toBe('12');
    expect(decimalUsd(0)).toBe('0');
  });

  it('answers from the tier named as the model', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: smallTier, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `Prove that there are infinitely many primes, rigorously. ${uid()}` }] })
      .withResponse();
    expect(data.model).toBe(smallTier);
    expect(response.headers.get('x-cascade-tier')).toBe(smallTier);
  });

  it('streams tokens, then usage when asked, with the headers on the stream', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'auto', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `Say hello. ${uid()}` }] })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const decisionId = response.headers.get('x-cascade-decision-id');
    expect(decisionId).toBeTruthy();
    let text = '';
    let chunks = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    await runtime.recorder.flush();
    expect(await runtime.stores.decisions.get(decisionId!)).toMatchObject({ status: 'ok', apiKeyId: keyId });
  });

  it('takes a rating of an answer on /api/v1/feedback and rejects bad ones', async () => {
    const { response } = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Rate me. ${uid()}` }] }).withResponse();
    const decisionId = response.headers.get('x-cascade-decision-id')!;
    await runtime.recorder.flush();
    const rate = (body: unknown) =>
      fetch(`${api.baseUrl}/api/v1/feedback`, { method: 'POST', headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await rate({ decision_id: decisionId, rating: 'down', reason: 'wrong' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ object: 'feedback', decisionId, rating: -1, replaced: false });
    expect((await rate({ decision_id: decisionId, rating: 'sideways' })).status).toBe(400);
    expect((await rate({ decision_id: '01a22279-0000-7000-8000-000000000000', rating: 'up' })).status).toBe(404);
  });

  it('takes a rating sent right after the answer, before the recorder has written the decision', async () => {
    const { response } = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Rate me at once. ${uid()}` }] }).withResponse();
    const decisionId = response.headers.get('x-cascade-decision-id')!;
    const res = await fetch(`${api.baseUrl}/api/v1/feedback`, { method: 'POST', headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ decision_id: decisionId, rating: 'up' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ decisionId, rating: 1 });
  });

  it('raises the SDK errors for bad requests', async () => {
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.chat.completions.create({ model: 'auto', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const revoked = new OpenAI({ apiKey: revokedKey, baseURL: `${api.baseUrl}/api/v1`, maxRetries: 0 });
    await expect(revoked.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
