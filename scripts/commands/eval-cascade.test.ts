// The eval-cascade command as a user runs it: a child process on the answer fixtures.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gsm = join(root, 'test/fixtures/answers/gsm8k-mixtral-gpt4.jsonl');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'cascade.ts'), 'eval-cascade', ...args], { cwd: root, timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('eval-cascade command', () => {
  it('prints curve, apgr, cost_at_95, at_target and the prompt-only router as JSON, progress on stderr', async () => {
    const r = await cli(['--data', gsm, '--train', gsm, '--small', 'mixtral-8x7b-instruct-v0.1', '--large', 'gpt-4-1106-preview', '--l2', '0.1', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows).toBe(60);
    expect(out.curve.length).toBeGreaterThan(1);
    expect(out).toHaveProperty('apgr');
    expect(out).toHaveProperty('cost_at_95');
    expect(out.at_target).toHaveProperty('quality_share');
    expect(out.at_target).toHaveProperty('cost_share');
    expect(out.prompt_only).toHaveProperty('cost_at_95');
    expect(r.stderr).toMatch(/eval-cascade: choosing the setting on --train/);
    expect(r.stderr).toMatch(/60 items of --data are also in --train/);
  }, 180_000);

  it('refuses bad input with a message and exit code 2', async () => {
    const missing = await cli(['--data', gsm, '--small', 'a', '--large', 'b']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/give --train FILE, or --cv K/);
    const judge = await cli(['--data', gsm, '--cv', '5', '--small', 'a', '--large', 'b', '--judges', 'model,oracle']);
    expect(judge.code).toBe(2);
    expect(judge.stderr).toMatch(/unknown judge\(s\) oracle/);
    const models = await cli(['--data', gsm, '--cv', '5', '--small', 'nope', '--large', 'gpt-4-1106-preview']);
    expect(models.code).toBe(1);
    expect(models.stderr).toMatch(/Models in the file: mixtral-8x7b-instruct-v0.1, gpt-4-1106-preview/);
  }, 180_000);
});
