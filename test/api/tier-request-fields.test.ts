// A tier's request-field rules as an admin sets them (tRPC, validated with zod, stored in Postgres)
// and as a client meets them (the official `openai` SDK through Cascade's HTTP server): a dropped
// field never reaches the loopback tier, a refused field is a 400 that names it.
import '../../server/runtime/preload-native';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createCaller } from '../../server/api/root';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { startApiServer } from './helpers-http';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let upstream: FakeUpstream;
let client: OpenAI;
let adminId: string;

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  upstream = await startFakeUpstream({ content: 'fields ok' });
  const actor = { id: null, label: 'test' };
  adminId = (await runtime.stores.users.create({ email: `${uid('admin')}@test.local`, name: 'Admin', role: 'admin', password: 'admin password' }, actor)).id;
  const key = await runtime.stores.apiKeys.create({ name: uid('fields'), tenant: uid('tenant'), role: 'user' }, actor);
  client = new OpenAI({ apiKey: key.key, baseURL: `${api.baseUrl}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await api?.close();
  await upstream?.close();
  await stopRuntime();
});

const admin = () => createCaller({ runtime, principal: principal('admin', adminId) });
const tierInput = (name: string) => ({ name, role: 'large' as const, kind: 'openai' as const, baseUrl: upstream.baseUrl, model: 'fake-model', inputPricePerM: 0.1, outputPricePerM: 0.2 });

async function issuesOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof TRPCError)) throw new Error('expected a tRPC error');
  expect(err.code).toBe('BAD_REQUEST');
  return err.message;
}

it('validates the field lists', async () => {
  expect(await issuesOf(admin().tiers.create({ ...tierInput(uid('f')), requestFields: { drop: ['messages'], reject: [] } }))).toMatch(/cannot be dropped or rejected/);
  expect(await issuesOf(admin().tiers.create({ ...tierInput(uid('f')), requestFields: { drop: ['logit bias'], reject: [] } }))).toMatch(/top-level request field name/);
  expect(await issuesOf(admin().tiers.create({ ...tierInput(uid('f')), requestFields: { drop: ['seed'], reject: ['seed'] } }))).toMatch(/both dropped and rejected/);
});

it('drops and refuses fields for the tier it is set on, and the list shows them', async () => {
  const name = uid('fields');
  const created = await admin().tiers.create({ ...tierInput(name), requestFields: { drop: ['seed', 'metadata', 'seed'], reject: ['logit_bias'] } });
  expect(created.requestFields).toEqual({ drop: ['seed', 'metadata'], reject: ['logit_bias'] });
  expect((await admin().tiers.list()).find((t) => t.name === name)?.requestFields).toEqual({ drop: ['seed', 'metadata'], reject: ['logit_bias'] });
  try {
    const r = await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hello' }], seed: 3, temperature: 0.5, metadata: { a: 'b' }, user: 'u1' });
    expect(r.choices[0].message.content).toBe('fields ok');
    const body = upstream.bodies.at(-1)!;
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('metadata');
    expect(body).toMatchObject({ temperature: 0.5, user: 'u1' });

    const err = await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hello' }], logit_bias: { '1': 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toContain(`tier ${name} cannot serve the request field "logit_bias"`);

    // Editing the lists takes effect at once.
    await admin().tiers.update({ id: created.id, patch: { requestFields: { drop: [], reject: [] } } });
    await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'hello' }], logit_bias: { '1': 1 }, seed: 4 });
    expect(upstream.bodies.at(-1)).toMatchObject({ logit_bias: { '1': 1 }, seed: 4 });
  } finally {
    await admin().tiers.disable({ id: created.id });
  }
});
