// Every text pass that sees user input must finish on adversarial input of 200,000 characters. A
// quadratic one takes minutes to hours there (the email redaction took ~100 s at 200 KB); linear ones
// take milliseconds. The deadline below is three orders of magnitude past the linear cost, so it
// separates the two classes without measuring speed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('./text-passes.ts', import.meta.url));

it('every text pass finishes on 200 KB adversarial inputs', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '200000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(killer);
  const last = out.trim().split('\n').at(-1);
  expect(err).toBe('');
  expect(last, `stuck after: ${last}`).toBe('done');
  expect(code).toBe(0);
}, 120_000);
