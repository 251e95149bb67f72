// Redis going away under a running replica (a TCP proxy in front of the real Redis is cut): tier
// admission degrades to this replica's own limits instead of failing requests.
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { redisCoordinator } from './redis';
import type { SharedAdmission } from './shared-admission';
import type { Coordinator } from './types';

const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function cuttableProxy(): Promise<{ url: string; cut(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const cut = () => {
    server.close();
    for (const s of sockets) s.destroy();
  };
  cleanup.push(cut);
  return { url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`, cut };
}

describe('Redis outage', () => {
  it('admission falls back to the replica’s own limits and keeps serving', async () => {
    const proxy = await cuttableProxy();
    const c: Coordinator = await redisCoordinator({ url: proxy.url, prefix: `cascade-test:${randomUUID()}:` });
    cleanup.push(() => c.close());
    const adm = c.admission() as SharedAdmission;
    adm.configure({ name: 'gpu', maxConcurrency: 1 });
    const viaRedis = await adm.acquire('gpu');
    expect(adm.degraded).toBeNull();
    viaRedis.release();
    proxy.cut();
    await new Promise((r) => setTimeout(r, 50));
    const first = await adm.acquire('gpu');
    expect(adm.degraded).not.toBeNull();
    // the local limit still holds: a second caller waits for the first
    let second = false;
    const pending = adm.acquire('gpu').then((p) => ((second = true), p));
    await new Promise((r) => setTimeout(r, 100));
    expect(second).toBe(false);
    first.release();
    (await pending).release();
    // rate limits cannot be read: the caller (rateLimitedChat) lets the request pass
    await expect(c.rateLimiter.take('k', { requestsPerMinute: 1 }, 1)).rejects.toThrow();
  });
});
