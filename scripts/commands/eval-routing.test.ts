// The eval-routing command as a user runs it: a child process on a small hand-made outcome file.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'cascade.ts'), 'eval-routing', ...args], { cwd: root, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const prompts = [
  ['What is 2 + 3?', 1, 1, 1],
  ['Name the capital of Italy.', 1, 1, 1],
  ['Prove that there are infinitely many primes of the form 4k+3, with a rigorous argument.', 0, 1, 1],
  ['Write a detailed market analysis of the European electric vehicle battery supply chain with sources.', 0, 0, 1],
  ['Translate "good morning" to French.', 1, 1, 1],
  ['Derive the closed form of the sum of k^3 for k from 1 to n and explain each step.', 0, 1, 1],
] as const;

function outcomeFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eval-routing-'));
  const file = join(dir, 'outcomes.jsonl');
  const lines = prompts.flatMap(([prompt, s, m, l], i) => [
    JSON.stringify({ id: `t${i}`, split: 'test', task: 'hand', prompt, outcomes: { S: { score: s, cost_usd: 0.001 }, M: { score: m, cost_usd: 0.003 }, L: { score: l, cost_usd: 0.03 } } }),
    JSON.stringify({ id: `h${i}`, split: 'train', task: 'hand', prompt: `${prompt} Please.`, outcomes: { S: { score: s, cost_usd: 0.001 }, M: { score: m, cost_usd: 0.003 }, L: { score: l, cost_usd: 0.03 } } }),
  ]);
  writeFileSync(file, [...lines, '{broken'].join('\n'));
  return file;
}

describe('eval-routing command', () => {
  it('prints the evaluation as JSON, with progress on stderr', async () => {
    const r = await cli(['--data', outcomeFile(), '--small', 'S', '--medium', 'M', '--large', 'L', '--split', 'test', '--history-split', 'train', '--json']);
    expect(r.stderr).toMatch(/assessed 6\/6/);
    expect(r.stderr).toMatch(/line 13: .*\(skipped\)/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ rows: 6, historyRows: 6, badLines: 1, single: { large: { quality: 1, costFraction: 1 } }, oracle: { quality: 1 } });
    expect(out.oracle.costFraction).toBeCloseTo((3 * 0.001 + 2 * 0.003 + 0.03) / 6 / 0.03, 5);
    expect(out.cost_at_95).toBeGreaterThan(0);
    expect(out.cost_at_95).toBeLessThanOrEqual(1);
    expect(out.curve.length).toBeGreaterThan(0);
    for (const p of out.curve) expect(Number.isFinite(p.quality) && Number.isFinite(p.cost)).toBe(true);
  });

  it('explains bad arguments and unknown models instead of crashing', async () => {
    const missing = await cli(['--data', outcomeFile()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--data, --small, --medium and --large are required/);
    const unknown = await cli(['--data', outcomeFile(), '--small', 'X', '--medium', 'M', '--large', 'L']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no rows with outcomes for all of X, M, L\. Models in the file: S, M, L/);
    const nofile = await cli(['--data', '/nonexistent.jsonl', '--small', 'S', '--medium', 'M', '--large', 'L']);
    expect(nofile.code).toBe(2);
    expect(nofile.stderr).toMatch(/cannot read \/nonexistent\.jsonl/);
  });
});
