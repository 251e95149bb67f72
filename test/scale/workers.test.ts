// CASCADE_WORKERS=2: two processes behind one port (node:cluster), coordinated like replicas; a
// worker killed with -9 is replaced by the primary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPostgresUrl, ScaleCluster, type Replica } from '../fixtures/scale-cluster';
import { freePort, freshDatabase } from '../fixtures/resources';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';

const BASE = await realPostgresUrl();

describe.skipIf(!BASE)('CASCADE_WORKERS', () => {
  let upstream: FakeUpstream;
  let db: { url: string; drop(): Promise<void> };
  let cluster: ScaleCluster;
  let primary: Replica;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ latencyMs: 5 });
    db = await freshDatabase(BASE!, 'workers');
    cluster = new ScaleCluster(db.url, { replicas: 0, upstreamBaseUrl: upstream.baseUrl, env: { CASCADE_WORKERS: '2' } });
    primary = await cluster.startReplica('w', await freePort());
  }, 180_000);

  afterAll(async () => {
    primary?.child.kill('SIGTERM');
    await primary?.exited;
    await upstream?.close();
    await db?.drop();
  }, 60_000);

  async function readyLines(n: number): Promise<void> {
    // a worker starting (analyzer, cache load) takes a while on a busy machine
    const end = Date.now() + 150_000;
    while (primary.ready.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  }

  /** The replica ids that answer /metrics on the shared port (a new connection each time; the primary deals them round-robin). */
  async function answering(): Promise<Set<string>> {
    const ids = new Set<string>();
    const end = Date.now() + 30_000;
    while (ids.size < 2 && Date.now() < end) {
      const text = await fetch(`${primary.url}/metrics`, { headers: { connection: 'close' } }).then((r) => r.text(), () => '');
      const m = /cascade_replica_info\{coordination="redis",replica="([^"]+)"\}/.exec(text);
      if (m) ids.add(m[1]);
      await new Promise((r) => setTimeout(r, 50));
    }
    return ids;
  }

  it('serves one port from two coordinated worker processes, and replaces a worker killed with -9', async () => {
    await readyLines(2);
    const first = await answering();
    expect(first).toEqual(new Set(primary.ready.map((r) => r.replica)));
    expect(first.size).toBe(2);
    const res = await fetch(`${primary.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${primary.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(200);
    process.kill(primary.pid, 'SIGKILL'); // the worker that printed first
    // the survivor and a new worker: one id is new
    await readyLines(3);
    const after = await answering();
    expect(after.size).toBe(2);
    expect([...after].filter((id) => !first.has(id))).toHaveLength(1);
  }, 400_000);
});
