// One decision per request whichever door it came through, and the door is recorded and filterable:
// the same question through Chat Completions, the Responses API and Anthropic's Messages API.
import '../../server/runtime/preload-native';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

it('records the door of each request, and the list filters by it', async () => {
  const key = await runtime.stores.apiKeys.create({ name: uid('doors'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  const ask = `Explain tides. (${uid()})`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${api.baseUrl}/v1/${path}`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return res.headers.get('x-cascade-decision-id')!;
  };
  const ids = {
    'chat.completions': await post('chat/completions', { model: 'auto', messages: [{ role: 'user', content: ask }] }),
    responses: await post('responses', { model: 'auto', input: ask }),
    messages: await post('messages', { model: 'auto', max_tokens: 100, messages: [{ role: 'user', content: ask }] }),
  };
  await runtime.recorder.flush();
  for (const [door, id] of Object.entries(ids)) expect((await runtime.stores.decisions.get(id))?.door).toBe(door);
  const listed = await runtime.stores.decisions.list({ apiKeyId: key.apiKey.id, door: 'messages' }, { limit: 10 });
  expect(listed.items.map((d) => d.id)).toEqual([ids.messages]);
});
