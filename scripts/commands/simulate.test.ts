import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const cli = (args: string[]) =>
  exec(process.execPath, ['--import', 'tsx', 'scripts/cascade.ts', 'simulate', ...args], { cwd: process.cwd() }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

const dir = mkdtempSync(join(tmpdir(), 'cascade-sim-'));
const file = join(dir, 'outcomes.jsonl');
// Longer prompts are harder for the small model: the length stand-in score carries signal.
const lines = Array.from({ length: 400 }, (_, i) => {
  const words = 1 + (i % 40) * 10;
  const hard = i % 40 > 25;
  return JSON.stringify({
    id: `r${i}`,
    task: 't',
    prompt: 'word '.repeat(words),
    outcomes: { s: { score: hard ? 0 : 1, cost_usd: 1 }, m: { score: i % 3 ? 1 : 0, cost_usd: 2 }, l: { score: 1, cost_usd: 5 } },
  });
});
writeFileSync(file, [...lines, '{not json'].join('\n'));
const base = ['--data', file, '--small', 's', '--medium', 'm', '--large', 'l', '--score', 'length'];

describe('cascade simulate', () => {
  it('prints the documented JSON fields', async () => {
    const r = await cli([...base, '--ratings', '600', '--target', '0.9', '--json', '--every', '100', '--min-samples', '100', '--exploration', '0.2']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of ['trajectory', 'final_thresholds', 'final_cost', 'final_success', 'optimal_thresholds', 'optimal_cost']) expect(out).toHaveProperty(k);
    expect(out.trajectory).toHaveLength(7);
    expect(out.final_thresholds.t1).toBeLessThan(out.final_thresholds.t2);
    expect(out.optimal_success).toBeGreaterThanOrEqual(0.9);
    expect(r.stderr).toMatch(/1 bad lines skipped/);
    expect(r.stderr).toMatch(/600\/600 ratings/);
  });
  it('rejects bad options with exit code 2 and a message', async () => {
    const r = await cli([...base, '--target', '1.5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target must be a number in \[0, 1\]/);
    const m = await cli(['--data', file]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/required/);
  });
  it('fails clearly on a missing file or unknown models', async () => {
    expect((await cli([...base.slice(0, 0), '--data', join(dir, 'nope.jsonl'), '--small', 's', '--medium', 'm', '--large', 'l'])).stderr).toMatch(/cannot read/);
    const r = await cli(['--data', file, '--small', 'x', '--medium', 'm', '--large', 'l', '--score', 'length']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no rows/);
  });
  it('runs several seeds and summarises their spread', async () => {
    const r = await cli([...base, '--ratings', '300', '--target', '0.9', '--json', '--every', '100', '--min-samples', '100', '--exploration', '0.2', '--seeds', '1-3']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.seeds).toEqual([1, 2, 3]);
    expect(out.runs.map((x: { seed: number }) => x.seed)).toEqual([1, 2, 3]);
    expect(out.summary).toMatchObject({ runs: 3, cost_ratio: { min: expect.any(Number), median: expect.any(Number), max: expect.any(Number) } });
    expect(out.summary.cost_ratio.min).toBeLessThanOrEqual(out.summary.cost_ratio.max);
    expect(out).toHaveProperty('optimal_cost');
    expect((await cli([...base, '--seeds', 'x'])).stderr).toMatch(/--seeds must look like/);
  });
  it('simulate-bound prints the frontier and both oracles', async () => {
    const r = await exec(process.execPath, ['--import', 'tsx', 'scripts/cascade.ts', 'simulate-bound', ...base, '--ratings', '100', '--target', '0.9', '--draws', '20', '--json'], { cwd: process.cwd() });
    const out = JSON.parse(r.stdout);
    expect(out.frontier).toHaveLength(9);
    expect(out.optimal.success).toBeGreaterThanOrEqual(0.9);
    for (const k of ['subsample_oracle', 'level_oracle']) expect(out[k]).toMatchObject({ runs: 20, cost_ratio: { median: expect.any(Number) } });
  });
});
