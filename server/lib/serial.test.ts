import { describe, expect, it } from 'vitest';
import { serialized } from './serial';

describe('serialized', () => {
  it('runs one at a time, and a call during a run gets exactly one more run after it', async () => {
    let active = 0;
    let maxActive = 0;
    const seen: number[] = [];
    let state = 0;
    const release: (() => void)[] = [];
    const run = serialized(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      const read = state;
      await new Promise<void>((r) => release.push(r));
      seen.push(read);
      active--;
    });
    const first = run();
    state = 1; // changed after the first run read it
    const second = run();
    const third = run(); // shares the second's run
    expect(second).toBe(third);
    release.shift()!();
    await first;
    await new Promise((r) => setImmediate(r));
    release.shift()!();
    await second;
    expect(seen).toEqual([0, 1]);
    expect(maxActive).toBe(1);
    expect(release).toHaveLength(0);
  });

  it('runs again after a failed run', async () => {
    let calls = 0;
    const run = serialized(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
    });
    const first = run();
    const second = run();
    await expect(first).rejects.toThrow('boom');
    await second;
    expect(calls).toBe(2);
  });
});
