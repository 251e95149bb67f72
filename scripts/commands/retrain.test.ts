// The retrain command as a user runs it: a child process against the test database. The training
// itself is covered by test/models/learning-loop.test.ts; here: arguments, the progress line on
// stderr, and the message when the window holds too few labels.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { progressReporter } from './retrain';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'cascade.ts'), 'retrain', ...args], { cwd: root, timeout: 120_000, env: { ...process.env, LOG_LEVEL: 'silent' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('retrain command', () => {
  it('refuses an unknown model or a bad window with usage', async () => {
    const r = await cli(['--model', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model must be one of answer-quality, complexity/);
    const w = await cli(['--model', 'complexity', '--from', '2026-02-01', '--to', '2026-01-01']);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/from < to/);
    const s = await cli(['--model', 'complexity', '--with-shipped']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--with-shipped applies to the answer-quality model only/);
  });

  it('shows its progress and says how many labels a window without enough of them has', async () => {
    const r = await cli(['--model', 'answer-quality', '--from', '2001-01-01', '--to', '2001-01-02', '--url', process.env.TEST_DATABASE_URL!]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^retrain: loading +\[#{20}\] 1\/1/m);
    expect(r.stderr).toMatch(/retrain: not enough labelled answers to retrain answer-quality: 0 in the training part/);
  });

  it('draws one line per stage, each with its last state, when stderr is not a terminal', () => {
    let out = '';
    const p = progressReporter((s) => (out += s), false);
    p({ stage: 'loading', done: 0, total: 1 });
    p({ stage: 'loading', done: 1, total: 1 });
    p({ stage: 'training', done: 30, total: 60 });
    p.end();
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^retrain: loading +\[#{20}\] 1\/1 \d+\.\d s$/);
    expect(lines[1]).toMatch(/^retrain: training +\[#{10}\.{10}\] 30\/60/);
  });
});
