// The latency bench's own parts, end to end over loopback (no timing assertions): the fake upstream
// answers JSON and streams and takes a new latency, the bare proxy forwards both, the interleaved
// runner times every request of every target, and a server reports its own CPU over IPC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processCpu, startTsChild, type Child } from '../../bench/lib/processes';
import { runSequential, type SeqTarget } from '../../bench/lib/sequential';

let up: Child;
let bare: Child;

beforeAll(async () => {
  up = await startTsChild('fake-upstream.ts', ['0'], [], 60_000, { ipc: true });
  bare = await startTsChild('bare-proxy.ts', [String(up.info.url)], [], 60_000, { ipc: true });
}, 120_000);

afterAll(async () => {
  await bare?.stop();
  await up?.stop();
});

const target = (label: string, origin: string): SeqTarget => ({
  label,
  origin,
  path: '/v1/chat/completions',
  headers: {},
  body: (i, stream) => JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: `question ${i}` }], ...(stream ? { stream: true } : {}) }),
});

describe('latency bench harness', () => {
  it('times every JSON and streamed request of every target, first token before the last', async () => {
    const targets = [target('direct', String(up.info.url)), target('bare proxy', String(bare.info.url))];
    const json = await runSequential(targets, 6, { stream: false, offset: 0 });
    const streamed = await runSequential(targets, 6, { stream: true, offset: 0 });
    for (const label of ['direct', 'bare proxy']) {
      expect(json.get(label)).toMatchObject({ n: 6, failed: 0 });
      const s = streamed.get(label)!;
      expect(s).toMatchObject({ n: 6, failed: 0 });
      expect(s.first).toHaveLength(6);
      // sorted separately, so compare the extremes
      expect(s.first[0]).toBeLessThanOrEqual(s.total[5]);
    }
  }, 60_000);

  it('streams the whole answer through the bare proxy and takes a new upstream latency', async () => {
    const set = await fetch(`${String(up.info.url)}/__latency/5`, { method: 'POST' });
    expect(set.status).toBe(204);
    const res = await fetch(`${String(bare.info.url)}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake-model', messages: [], stream: true }) });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const content = text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => (JSON.parse(e.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0].delta.content ?? '').join('');
    expect(content).toBe('A short fixed answer from the fake upstream, streamed in eight parts.');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await fetch(`${String(up.info.url)}/__latency/0`, { method: 'POST' });
  }, 30_000);

  it('reads a server\'s own CPU counters and RSS over IPC', async () => {
    const a = await processCpu(bare.child);
    await runSequential([target('bare proxy', String(bare.info.url))], 20, { stream: false, offset: 0 });
    const b = await processCpu(bare.child);
    expect(b.ms).toBeGreaterThan(a.ms);
    expect(b.rss).toBeGreaterThan(0);
  }, 30_000);
});
