// `cascade classify` as other tools call it: JSON Lines in, JSON Lines out, bad lines reported in place.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function classify(input: string, args: string[] = []): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cascade.ts', 'classify', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        lines: out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
        stderr: err,
      }),
    );
    child.stdin.end(input);
  });
}

describe('cascade classify', () => {
  it('adds band/score/probs, passes other fields through, reports bad lines and goes on', async () => {
    const input = [
      JSON.stringify({ id: 1, text: "What's 2+2?" }),
      'this is not json',
      JSON.stringify({ id: 3, text: 42 }),
      '',
      JSON.stringify({ id: 5, text: 'Write a business plan for a bakery', meta: { a: 1 } }),
      '[1,2,3]',
      JSON.stringify({ id: 7, text: '' }),
    ].join('\n');
    const { code, lines, stderr } = await classify(input);
    expect(code).toBe(0);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ id: 1, band: 'simple' });
    expect(lines[1]).toMatchObject({ line: 2 });
    expect(String(lines[1].error)).toMatch(/invalid JSON/);
    expect(lines[2]).toMatchObject({ id: 3 });
    expect(String(lines[2].error)).toMatch(/"text" must be a string/);
    expect(lines[3]).toMatchObject({ id: 5, band: 'complex', meta: { a: 1 } });
    expect(lines[4]).toMatchObject({ line: 6 });
    expect(lines[5]).toMatchObject({ id: 7 });
    for (const l of [lines[0], lines[3], lines[5]]) {
      expect(typeof l.score).toBe('number');
      const probs = l.probs as Record<string, number>;
      expect(Object.keys(probs)).toEqual(['simple', 'moderate', 'complex', 'research']);
      expect(Object.values(probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(l.signals).toBeUndefined();
    }
    expect(stderr).toMatch(/3 line\(s\) had errors/);
  });

  it('includes signals with --signals', async () => {
    const { lines } = await classify(JSON.stringify({ text: 'Explain quantum physics' }), ['--signals']);
    expect(lines[0]).toMatchObject({ band: 'moderate', signals: { keywords: ['explain'] } });
  });
});
