import { describe, expect, it } from 'vitest';
import { HitBatcher, type HitBatch } from './hit-batcher';

describe('HitBatcher', () => {
  it('writes the hits of one window as one batch, summed per entry with the latest time', async () => {
    const written: HitBatch[] = [];
    const b = new HitBatcher(async (batch) => void written.push(batch), 10_000);
    const t1 = new Date('2026-01-01T00:00:01Z');
    const t2 = new Date('2026-01-01T00:00:02Z');
    const all = [b.record('a', t2), b.record('a', t1), b.record('b', t1)];
    expect(written).toHaveLength(0);
    await b.flush();
    await Promise.all(all);
    expect(written).toHaveLength(1);
    expect([...written[0].hits]).toEqual([['a', { n: 2, at: t2 }], ['b', { n: 1, at: t1 }]]);
    await b.flush(); // nothing pending: no empty write
    expect(written).toHaveLength(1);
  });

  it('flushes on its own after the window and rejects every caller of a failed batch', async () => {
    let calls = 0;
    const b = new HitBatcher(async () => {
      calls++;
      throw new Error('database down');
    }, 5);
    const results = await Promise.allSettled([b.record('a', new Date()), b.record('b', new Date())]);
    expect(calls).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
