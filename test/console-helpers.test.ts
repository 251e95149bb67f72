// Pure helpers of the console (lib/): SSE framing, chat stream metadata, policy diff, JSONL upload
// checks, batch progress, URL filters.
import { describe, expect, it } from 'vitest';
import { metaFrom } from '../lib/chat-stream';
import { diffPolicies } from '../lib/policy-diff';
import { parseSseChunk } from '../lib/sse';
import { tierProgress } from '../server/analytics/admin-reads';
import { decodeCursor, encodeCursor, filtersFromSearch } from '../server/analytics/filters';

describe('parseSseChunk', () => {
  it('splits frames, keeps the partial tail, ignores comments and reads multi-line data', () => {
    const { frames, rest } = parseSseChunk('event: meta\ndata: {"tier":"small"}\n\n: ping\n\ndata: a\ndata: b\n\nevent: tok');
    expect(frames).toEqual([
      { event: 'meta', data: '{"tier":"small"}' },
      { event: 'message', data: 'a\nb' },
    ]);
    expect(rest).toBe('event: tok');
  });
  it('takes the event name from a JSON type field when there is no event line', () => {
    expect(parseSseChunk('data: {"type":"done"}\r\n\r\n').frames).toEqual([{ event: 'done', data: '{"type":"done"}' }]);
  });
});

describe('metaFrom', () => {
  it('reads the done frame of /api/chat/stream', () => {
    expect(metaFrom({ decisionId: 'd', tier: 'small', band: 'simple', costUsd: 0.0012, usage: { prompt_tokens: 10, completion_tokens: 20 }, cached: false, escalated: true, simulated: true })).toEqual({
      decisionId: 'd', tier: 'small', band: 'simple', cached: false, escalated: true, simulated: true, costUsd: 0.0012, tokensIn: 10, tokensOut: 20,
    });
  });
  it('ignores non-finite numbers and derives badges from other spellings', () => {
    expect(metaFrom({ costUsd: Number.NaN, cacheStatus: 'semantic', escalations: 2 })).toEqual({ cached: true, escalated: true });
  });
});

describe('diffPolicies', () => {
  it('lists changed leaves with dotted paths, including added and removed array items', () => {
    const d = diffPolicies({ thresholds: { t1: 0.3, t2: 0.5 }, escalation: { small: ['m', 'l'] } }, { thresholds: { t1: 0.35, t2: 0.5 }, escalation: { small: ['m'] } });
    expect(d).toEqual([
      { path: 'escalation.small.1', before: 'l', after: undefined },
      { path: 'thresholds.t1', before: 0.3, after: 0.35 },
    ]);
    expect(diffPolicies({ a: [1] }, { a: [1] })).toEqual([]);
  });
});

describe('tierProgress', () => {
  it('reads counts or {done,total} per tier and never yields NaN', () => {
    expect(tierProgress({ small: 5, large: { done: 1, total: 2 } }, 10)).toEqual([
      { tier: 'large', done: 1, total: 2, share: 0.5 },
      { tier: 'small', done: 5, total: 10, share: 0.5 },
    ]);
    expect(tierProgress({ x: 3 }, 0)).toEqual([{ tier: 'x', done: 3, total: 0, share: 0 }]);
    expect(tierProgress(null, 5)).toEqual([]);
  });
});

describe('URL filters', () => {
  it('falls back to the last 7 days with a message for invalid URLs', () => {
    const now = new Date('2026-03-10T00:00:00Z');
    const ok = filtersFromSearch(new URLSearchParams('from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&band=simple&policyVersion=3'), now);
    expect(ok.error).toBeNull();
    expect(ok.filters).toMatchObject({ band: 'simple', policyVersion: 3 });
    const bad = filtersFromSearch(new URLSearchParams('from=2026-03-05&to=2026-03-01'), now);
    expect(bad.error).toMatch(/after the start/);
    expect(bad.filters.to.getTime() - bad.filters.from.getTime()).toBe(7 * 86_400_000);
    expect(filtersFromSearch(new URLSearchParams('band=huge'), now).error).toMatch(/band/);
  });
  it('round-trips cursors and rejects malformed ones', () => {
    const at = new Date('2026-01-01T00:00:00.123Z');
    const id = '0190a000-0000-7000-8000-000000000000';
    expect(decodeCursor(encodeCursor(at, id))).toEqual({ at, id });
    expect(decodeCursor('garbage')).toBeNull();
    expect(decodeCursor('2026-01-01_notauuid')).toBeNull();
  });
});
