// Sequential, interleaved latency: one request at a time, the targets taking turns (the order rotates
// every round, so no target always follows the same one), each over its own keep-alive connection.
// Every target sees the same moments of machine load, so their differences survive a noisy machine
// far better than runs made one after the other. A streamed request records the time to its first
// content token and to the end of the body.
import { Pool } from 'undici';
import { percentile } from './load';

export interface SeqTarget {
  label: string;
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** Body of this target's request number i. */
  body(i: number, stream: boolean): string;
}

export interface SeqResult {
  n: number;
  failed: number;
  /** whole request (non-stream) or last byte (stream), ms */
  total: number[];
  /** stream only: first content token, ms */
  first: number[];
}

const FIRST_TOKEN = /"content":"[^"]/;

async function one(pool: Pool, t: SeqTarget, i: number, stream: boolean): Promise<{ total: number; first: number } | null> {
  const t0 = performance.now();
  const res = await pool.request({ method: 'POST', path: t.path, headers: { 'content-type': 'application/json', ...t.headers }, body: t.body(i, stream) });
  let first = Number.NaN;
  let text = '';
  for await (const chunk of res.body) {
    if (stream && Number.isNaN(first)) {
      text += (chunk as Buffer).toString('utf8');
      if (FIRST_TOKEN.test(text)) first = performance.now() - t0;
    } else if (!stream && res.statusCode >= 300) text += (chunk as Buffer).toString('utf8');
  }
  const total = performance.now() - t0;
  if (res.statusCode < 200 || res.statusCode >= 300 || (stream && Number.isNaN(first))) {
    if (!warned.has(t.label)) {
      warned.add(t.label);
      console.error(`sequential: ${t.label} answered ${res.statusCode}${stream ? ' (stream)' : ''}: ${text.slice(0, 300)}`);
    }
    return null;
  }
  return { total, first };
}
const warned = new Set<string>();

/** `rounds` rounds, each one request per target; returns the timings per target label. */
export async function runSequential(targets: SeqTarget[], rounds: number, opts: { stream: boolean; offset: number }): Promise<Map<string, SeqResult>> {
  const pools = new Map(targets.map((t) => [t.label, new Pool(t.origin, { connections: 1, pipelining: 1, keepAliveTimeout: 65_000 })]));
  const out = new Map(targets.map((t) => [t.label, { n: 0, failed: 0, total: [] as number[], first: [] as number[] }]));
  try {
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(r + k) % targets.length];
        const o = out.get(t.label)!;
        const got = await one(pools.get(t.label)!, t, opts.offset + r, opts.stream).catch(() => null);
        if (!got) o.failed++;
        else {
          o.n++;
          o.total.push(got.total);
          if (opts.stream) o.first.push(got.first);
        }
      }
    }
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
  for (const o of out.values()) {
    o.total.sort((a, b) => a - b);
    o.first.sort((a, b) => a - b);
  }
  return out;
}

export const p = (sorted: number[], q: number) => percentile(sorted, q);
