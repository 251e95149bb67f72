// Every kind of bad request to the OpenAI-compatible API gets an OpenAI-style 4xx with a clear
// message, and none of them leaves a decision behind.
import '../../server/runtime/preload-native';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPrisma } from '../../server/db/client';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let key: string;
let keyId: string;
let revokedKey: string;
let tierName: string;
const actor = { id: null, label: 'test' };

beforeAll(async () => {
  runtime = await testRuntime({ CASCADE_MAX_BODY_BYTES: String(1024 * 1024) });
  api = await startApiServer(runtime);
  ({ key, apiKey: { id: keyId } } = await runtime.stores.apiKeys.create({ name: uid('key'), tenant: 'default', role: 'user' }, actor));
  const revoked = await runtime.stores.apiKeys.create({ name: uid('revoked'), tenant: 'default', role: 'user' }, actor);
  await runtime.stores.apiKeys.revoke(revoked.apiKey.id, actor);
  revokedKey = revoked.key;
  tierName = uid('tier');
  await runtime.stores.tiers.create(
    { name: tierName, role: 'small', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', inputPricePerM: 0, outputPricePerM: 0, maxConcurrency: 1, timeoutMs: 1000, enabled: false },
    actor,
  );
  await runtime.tiers.reload();
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.baseUrl}/api/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } } };
}

const good = { model: 'auto', messages: [{ role: 'user', content: 'hello' }] };

describe('OpenAI-compatible API: bad input', () => {
  it.each([
    ['malformed JSON', '{"model": "auto", "messages": [', 400, 'invalid_json', null, /not valid JSON/],
    ['an empty body', '', 400, 'invalid_json', null, /empty/],
    ['a JSON array', '[1,2]', 400, 'invalid_request', null, /JSON object/],
    ['missing messages', JSON.stringify({ model: 'auto' }), 400, 'invalid_request', 'messages', /messages/],
    ['messages of the wrong type', JSON.stringify({ model: 'auto', messages: 'hi' }), 400, 'invalid_request', 'messages', /array/],
    ['no messages', JSON.stringify({ model: 'auto', messages: [] }), 400, 'invalid_request', 'messages', /at least one/],
    ['empty content', JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: '  ' }] }), 400, 'invalid_request', 'messages.0.content', /must not be empty/],
    ['content of the wrong type', JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 42 }] }), 400, 'invalid_request', 'messages.0.content', /string/],
    ['an unknown role', JSON.stringify({ model: 'auto', messages: [{ role: 'wizard', content: 'x' }] }), 400, 'invalid_request', 'messages.0.role', /role/],
    ['only a system message', JSON.stringify({ model: 'auto', messages: [{ role: 'system', content: 'be nice' }] }), 400, 'invalid_request', 'messages', /user message/],
    ['a string temperature', JSON.stringify({ ...good, temperature: 'hot' }), 400, 'invalid_request', 'temperature', /temperature/],
    ['a string stream flag', JSON.stringify({ ...good, stream: 'yes' }), 400, 'invalid_request', 'stream', /stream/],
    ['a missing model', JSON.stringify({ messages: good.messages }), 400, 'invalid_request', 'model', /model is required/],
    ['an unknown model', JSON.stringify({ ...good, model: 'gpt-17' }), 404, 'model_not_found', 'model', /does not exist.*auto/],
  ])('rejects %s', async (_what, body, status, code, param, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.param).toBe(param);
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.type).toBe(status === 404 ? 'invalid_request_error' : 'invalid_request_error');
  });

  it('rejects a disabled tier named as the model', async () => {
    const res = await post(JSON.stringify({ ...good, model: tierName }));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/disabled/);
  });

  it.each([
    ['no key', undefined, /Missing API key/],
    ['an unknown key', 'Bearer csk_unknown', /Invalid or revoked/],
    ['a malformed header', 'Basic abc', /Missing API key/],
  ])('answers 401 for %s', async (_what, authorization, message) => {
    const res = await fetch(`${api.baseUrl}/api/v1/chat/completions`, {
      method: 'POST',
      headers: authorization ? { authorization, 'content-type': 'application/json' } : { 'content-type': 'application/json' },
      body: JSON.stringify(good),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toMatch(message);
  });

  it('answers 401 for a revoked key, on models too', async () => {
    expect((await post(JSON.stringify(good), { authorization: `Bearer ${revokedKey}` })).status).toBe(401);
    const models = await fetch(`${api.baseUrl}/api/v1/models`, { headers: { authorization: `Bearer ${revokedKey}` } });
    expect(models.status).toBe(401);
  });

  it('refuses a body over the limit from Content-Length', async () => {
    const big = JSON.stringify({ ...good, messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }] });
    const res = await fetch(`${api.baseUrl}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: big,
    }).catch((err: unknown) => err as Error);
    // The server answers 413 and closes; depending on timing the client sees the 413 or a reset.
    if (res instanceof Response) {
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    } else expect(String(res)).toMatch(/fetch failed|ECONNRESET|EPIPE|socket/i);
  });

  it('refuses a chunked body as soon as it crosses the limit, without waiting for the rest', async () => {
    // 2 MB of a 10 MB body are sent, then the client waits: a server that buffered the whole body
    // would never answer (and the test would time out).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${api.baseUrl}/api/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"model":"auto","messages":[{"role":"user","content":"');
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 32; i++) req.write(chunk);
    });
    expect(status).toBe(413);
  });

  it('answers 405 for a wrong method and 404 for an unknown route', async () => {
    const wrong = await fetch(`${api.baseUrl}/api/v1/chat/completions`, { headers: { authorization: `Bearer ${key}` } });
    expect(wrong.status).toBe(405);
    const unknown = await fetch(`${api.baseUrl}/api/v1/audio/speech`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/Unknown API route/);
  });

  it('recorded no decision for any of the rejected requests', async () => {
    await runtime.recorder.flush();
    expect(await getPrisma().decision.count({ where: { apiKeyId: keyId } })).toBe(0);
  });
});
