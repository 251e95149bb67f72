// Resident memory of a whole Cascade API process holding 100,000 cache entries: the bench's Cascade
// server (bench/lib/cascade-server.ts: the real runtime with the default complexity and
// answer-quality models, the local embedder, Prisma, the recorder, metrics, the node:http API)
// started on a Postgres whose CacheEntry table already holds the entries, which the server loads
// at start as a restarted replica does; then a few requests through every stage, then its RSS.
// `node --import tsx bench/lib/rss-server.ts [entries=100000] [answerChars=210]` with TEST_DATABASE_URL set
// (chat answers typically run to 1,000–3,000 characters; the default is the figure older runs used).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PgCacheStore } from '../../server/cache/pg-store';
import { normalizePrompt, promptHash, scopeHash } from '../../server/cache/normalize';
import { LocalEmbedder } from '../../server/embedding/local';
import { benchDatabase } from './database';
import { runLoad, warmUp } from './load';
import { processCpu, startTsChild } from './processes';
import { templatedPrompt } from './queries';

const entries = Number(process.argv[2] ?? 100_000);
const db = await benchDatabase();
if (!db.url) throw new Error('rss-server needs TEST_DATABASE_URL (a Postgres to hold the entries)');
const pool = new pg.Pool({ connectionString: db.url, max: 8 });
const store = new PgCacheStore({ pool });
const embedder = new LocalEmbedder();
const answerChars = Number(process.argv[3] ?? 210);
const answer = 'A cached answer of typical length. '.repeat(Math.ceil(answerChars / 35)).slice(0, answerChars);
const scope = scopeHash({ tenant: 'rss', systemPrompt: '', params: '{}' });
const now = new Date();
let done = 0;
const fill = async (from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const prompt = templatedPrompt(i);
    const [embedding] = await embedder.embed([prompt]);
    await store.upsert({ id: randomUUID(), scopeHash: scope, promptHash: promptHash(normalizePrompt(prompt)), promptNorm: prompt, embedding, answer, tierName: 'large', tierRank: 2, costUsd: 0.001, hits: 0, createdAt: now, lastHitAt: null, expiresAt: null, decisionId: null });
    if (++done % 10_000 === 0) process.stderr.write(`\rrss-server: ${done} / ${entries} entries in Postgres`);
  }
};
const lanes = 8;
await Promise.all(Array.from({ length: lanes }, (_, l) => fill(Math.floor((l * entries) / lanes), Math.floor(((l + 1) * entries) / lanes))));
process.stderr.write('\n');
await store.close();
await pool.end().catch(() => undefined);

const up = await startTsChild('fake-upstream.ts', ['0']);
const cascade = await startTsChild('cascade-server.ts', [`${String(up.info.url)}/v1`, db.url], [], 300_000, { ipc: true });
try {
  const target = { label: 'cascade', url: String(cascade.info.url), path: '/api/v1/chat/completions', headers: { authorization: `Bearer ${String(cascade.info.key)}` }, body: (i: number) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: templatedPrompt(entries + i) }] }), pid: cascade.child.pid };
  const started = await processCpu(cascade.child);
  await warmUp(target, 200);
  await runLoad(target, { rate: 200, seconds: 5, connections: 8 });
  const after = await processCpu(cascade.child);
  const mb = (b: number) => Number((b / 2 ** 20).toFixed(1));
  // Where the resident memory is: V8's heap (committed / used), and memory outside it (ArrayBuffers,
  // native addons such as usearch and ONNX Runtime, Prisma's engine) as RSS minus the heap.
  const split = (m: typeof after.memory) => (m ? { heapTotalMb: mb(m.heapTotal), heapUsedMb: mb(m.heapUsed), arrayBuffersMb: mb(m.arrayBuffers), externalMb: mb(m.external) } : null);
  console.log(JSON.stringify({ entries, answerChars, rssMbAfterStart: mb(started.rss), rssMbAfterLoad: mb(after.rss), afterStart: split(started.memory), afterLoad: split(after.memory) }));
} finally {
  await cascade.stop();
  await up.stop();
  await db.drop();
}
