// The chat page's SSE endpoint handler and the session cookie -> principal path, with a real
// runtime: a next-auth JWT cookie becomes a principal, the stream carries tokens and a final
// event with the decision facts, and anonymous or bad requests get clear errors.
import '../../server/runtime/preload-native';
import { encode } from 'next-auth/jwt';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromHeaders } from '../../server/api/context';
import { createCaller } from '../../server/api/root';
import { chatStreamHandler } from '../../server/http/chat-stream';
import type { HttpResult } from '../../server/http/result';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => {
  await stopRuntime();
});

const body = (v: unknown) => ({
  body: (async function* () {
    yield new TextEncoder().encode(JSON.stringify(v));
  })(),
  contentLength: null,
});

async function collect(r: HttpResult): Promise<{ event: string; data: Record<string, unknown> }[]> {
  if (!('stream' in r)) throw new Error(`expected a stream, got ${r.status}: ${r.body}`);
  let text = '';
  for await (const s of r.stream) text += s;
  return text
    .trim()
    .split('\n\n')
    .map((f) => {
      const [ev, data] = f.split('\n');
      return { event: ev.replace('event: ', ''), data: JSON.parse(data.replace('data: ', '')) as Record<string, unknown> };
    });
}

describe('session cookie', () => {
  it('turns a next-auth JWT into a principal with the account\'s current role, and ignores forged ones', async () => {
    const u = await runtime.stores.users.create({ email: `${randomUUID().slice(0, 8)}@stream.test`, name: '', role: 'analyst', password: 'a long password' }, { id: null, label: 'test' });
    // The role in the token is what was true at sign-in; the principal carries the account's role now.
    const token = await encode({ token: { sub: u.id, email: u.email, role: 'admin', sv: 0 }, secret: runtime.authSecret });
    const p = await principalFromHeaders(runtime, new Headers({ cookie: `other=1; next-auth.session-token=${token}` }));
    expect(p).toMatchObject({ kind: 'user', id: u.id, role: 'analyst' });
    const forged = await encode({ token: { sub: u.id, role: 'admin' }, secret: 'another-secret-of-sufficient-length' });
    expect(await principalFromHeaders(runtime, new Headers({ cookie: `next-auth.session-token=${forged}` }))).toBeNull();
    expect(await principalFromHeaders(runtime, new Headers({ cookie: 'next-auth.session-token=garbage' }))).toBeNull();
    expect(await principalFromHeaders(runtime, new Headers())).toBeNull();
  });
});

describe('POST /api/chat/stream', () => {
  const deps = () => ({ chat: runtime.chat, tiers: runtime.tiers, maxBodyBytes: 1024 * 1024 });
  const user = { kind: 'user' as const, id: uid('u'), userId: null, apiKeyId: null, role: 'user' as const, tenant: 'default', name: 'u@test' };

  it('streams meta, tokens and a final event with decision facts', async () => {
    const frames = await collect(await chatStreamHandler(deps(), user, body({ prompt: `Tell me a fun fact. ${uid()}` })));
    expect(frames[0].event).toBe('meta');
    expect(frames.filter((f) => f.event === 'token').length).toBeGreaterThan(0);
    const done = frames[frames.length - 1];
    expect(done.event).toBe('done');
    expect(done.data).toMatchObject({ decisionId: frames[0].data.decisionId, simulated: true, cached: false });
    expect(done.data.costUsd).toBeGreaterThan(0);
    expect(typeof done.data.tier).toBe('string');
    await runtime.recorder.flush();
    expect(await runtime.stores.decisions.get(done.data.decisionId as string)).toMatchObject({ source: 'chat', principalId: user.id });
  });

  it('sends the final event only once the decision is recorded and durable, as the API does', async () => {
    const sent: string[] = [];
    let atDurable: { framesSent: string[]; stored: boolean } | null = null;
    const durable = async () => {
      // The decision must already have been handed to the recorder when the stream asks for durability.
      const id = /"decisionId":"([^"]+)"/.exec(sent[0] ?? '')?.[1] ?? '';
      await runtime.recorder.durable();
      await runtime.recorder.flush();
      atDurable = { framesSent: [...sent], stored: (await runtime.stores.decisions.get(id)) !== null };
    };
    const r = await chatStreamHandler({ ...deps(), durable }, user, body({ prompt: `Name a river in Europe. ${uid()}` }));
    if (!('stream' in r)) throw new Error(`expected a stream, got ${r.status}`);
    for await (const f of r.stream) sent.push(f);
    expect(sent.at(-1)).toMatch(/^event: done\n/);
    expect(atDurable).not.toBeNull();
    expect(atDurable!.stored).toBe(true);
    expect(atDurable!.framesSent.some((f) => f.startsWith('event: done'))).toBe(false);
  });

  it("reports the decision's own totals: every attempt's tokens and the cost its page shows", async () => {
    // A research question: plan, sub-questions and synthesis are several calls, the answering one only the last.
    const prompt = `Write a comprehensive literature survey of retrieval-augmented generation: taxonomy of methods, benchmark results, open problems, with citations to the key papers. (${uid()})`;
    // An earlier turn makes it a follow-up, which the cache never answers (the same survey from an earlier run would be a hit).
    const history = [{ role: 'user', content: `Hello (${uid()})` }, { role: 'assistant', content: 'Hello! How can I help?' }];
    const frames = await collect(await chatStreamHandler(deps(), user, body({ prompt, history })));
    const done = frames[frames.length - 1];
    expect(done.event).toBe('done');
    await runtime.recorder.flush();
    const d = await runtime.stores.decisions.get(done.data.decisionId as string);
    expect(d!.cacheStatus).toBe('bypass');
    expect(d!.attempts.length).toBeGreaterThan(1);
    expect(done.data).toMatchObject({ attempts: d!.attempts.length, tokensIn: d!.tokensIn, tokensOut: d!.tokensOut });
    expect(done.data.costUsd as number).toBeCloseTo(d!.costUsd, 12);
    expect((done.data.usage as { prompt_tokens: number }).prompt_tokens).toBeLessThan(d!.tokensIn);

    // Its page prices the alternatives from the same tokens as its baseline: the answering call's.
    const page = await createCaller({ runtime, principal: { ...user, role: 'analyst' } }).analytics.decision({ id: d!.id });
    const large = page.counterfactual.find((c) => c.tier === runtime.policy.current().policy.targets.large)!;
    expect(large.costUsd).toBeCloseTo(d!.baselineCostUsd, 12);
    expect(page.counterfactualBasis).toMatchObject({ tokensIn: (done.data.usage as { prompt_tokens: number }).prompt_tokens });
  });

  it('answers 401 without a session and 400 for an empty prompt', async () => {
    const anon = await chatStreamHandler(deps(), null, body({ prompt: 'hi' }));
    expect(anon.status).toBe(401);
    const empty = await chatStreamHandler(deps(), user, body({ prompt: '   ' }));
    expect(empty.status).toBe(400);
    expect('body' in empty && empty.body).toMatch(/prompt must not be empty/);
    const unknown = await chatStreamHandler(deps(), user, body({ prompt: 'hi', model: 'nope' }));
    expect(unknown.status).toBe(404);
  });

  // A 1x1 PNG.
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

  it('sends an attached image with the prompt to a tier that takes images', async () => {
    // The page offers the attachment only when such a tier exists (the simulated tiers take images).
    const available = await createCaller({ runtime, principal: user }).tiers.available();
    expect(available.some((t) => t.vision)).toBe(true);
    const frames = await collect(await chatStreamHandler(deps(), user, body({ prompt: `What is in this picture? (${uid()})`, image: png })));
    const done = frames[frames.length - 1];
    expect(done.event).toBe('done');
    const text = frames.filter((f) => f.event === 'token').map((f) => f.data.content).join('');
    expect(text).toMatch(/The image shows/);
    await runtime.recorder.flush();
    const d = await runtime.stores.decisions.get(done.data.decisionId as string);
    expect((d!.plan as { request?: { images: number } }).request?.images).toBe(1);
  });

  it('refuses an attachment that is not an image data URL, naming the field', async () => {
    for (const image of ['https://example.com/cat.png', 'data:text/plain;base64,aGk=', 'data:image/png;base64,not base64!']) {
      const r = await chatStreamHandler(deps(), user, body({ prompt: 'What is this?', image }));
      expect(r.status).toBe(400);
      expect('body' in r && JSON.parse(r.body as string).error.param).toBe('image');
    }
  });
});
