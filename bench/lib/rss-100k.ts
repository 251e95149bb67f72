// Resident memory of one process holding what a Cascade server holds for the hot path: the default
// complexity model (ONNX session) and the local embedder loaded, and a response cache of 100,000
// entries (in-memory store: the same index, vectors and postings a server keeps beside Postgres).
// `node --import tsx bench/lib/rss-100k.ts [entries=100000]`; prints RSS after each step (MB).
import '../../server/runtime/preload-native';
import { createCache } from '../../server/cache/index';
import { createAnalyzer } from '../../server/complexity';
import { LocalEmbedder } from '../../server/embedding/local';
import { templatedPrompt } from './queries';

const entries = Number(process.argv[2] ?? 100_000);
const mb = () => Number((process.memoryUsage().rss / 2 ** 20).toFixed(1));
const out: Record<string, number> = { start: mb() };
const analyzer = await createAnalyzer();
await analyzer.assess('Explain what a hash table is in two sentences.');
out.analyzerLoaded = mb();
const embedder = new LocalEmbedder();
const cache = await createCache({ embedder, maxEntries: entries + 1 });
out.cacheEmpty = mb();
const scope = { tenant: 'rss', systemPrompt: '', params: '{}' };
const answer = 'A cached answer of typical length. '.repeat(6);
for (let i = 0; i < entries; i++) {
  await cache.store({ prompt: templatedPrompt(i), scope, answer, tierName: 'large', tierRank: 2, costUsd: 0.001, ttlSeconds: 0, decisionId: 'rss' });
  if ((i + 1) % 20_000 === 0) process.stderr.write(`rss-100k: ${i + 1} entries, RSS ${mb()} MB\n`);
}
out[`cache${entries}`] = mb();
globalThis.gc?.();
out.afterGc = mb();
console.log(JSON.stringify({ entries, rssMb: out, heapUsedMb: Number((process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)) }));
await cache.close();
process.exit(0);
