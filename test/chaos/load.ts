// Open-loop load: requests are sent at a fixed rate whatever happens to earlier ones, so a server
// that stops answering shows up as requests piling up (outstanding) instead of a slower client.
export interface Outcome {
  start: number;
  end: number;
  status: number | null;
  /** Network failure: 'refused' (nothing listening: clean), 'cut' (reset or truncated mid-answer), 'timeout'. */
  failure: 'refused' | 'cut' | 'timeout' | null;
  decisionId: string | null;
  connectionClose: boolean;
  retryAfter: string | null;
  /** 200 with a complete body (JSON parsed, or a stream ending in [DONE]). */
  answered: boolean;
  body: string;
}

export interface Load {
  outcomes: Outcome[];
  outstanding(): number;
  maxOutstanding(): number;
  stop(): Promise<Outcome[]>;
}

export interface RequestSpec {
  path?: string;
  method?: string;
  key?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  stream?: boolean;
}

export async function send(base: string, spec: RequestSpec, timeoutMs = 30_000): Promise<Outcome> {
  const start = Date.now();
  const o: Outcome = { start, end: 0, status: null, failure: null, decisionId: null, connectionClose: false, retryAfter: null, answered: false, body: '' };
  try {
    const res = await fetch(`${base}${spec.path ?? '/api/v1/chat/completions'}`, {
      method: spec.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...(spec.key ? { authorization: `Bearer ${spec.key}` } : {}), ...spec.headers },
      body: spec.method === 'GET' ? undefined : (spec.rawBody ?? JSON.stringify(spec.body ?? {})),
      signal: AbortSignal.timeout(timeoutMs),
    });
    o.status = res.status;
    o.decisionId = res.headers.get('x-cascade-decision-id');
    o.connectionClose = res.headers.get('connection') === 'close';
    o.retryAfter = res.headers.get('retry-after');
    o.body = await res.text();
    if (res.status === 200) {
      if (spec.stream) o.answered = o.body.includes('data: [DONE]');
      else {
        try {
          JSON.parse(o.body);
          o.answered = true;
        } catch {
          o.answered = false;
        }
      }
    }
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string; name?: string } };
    if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') o.failure = 'timeout';
    else if (e.cause?.code === 'ECONNREFUSED') o.failure = 'refused';
    else o.failure = 'cut';
  }
  o.end = Date.now();
  return o;
}

export function openLoop(base: string, rps: number, spec: (i: number) => RequestSpec): Load {
  const outcomes: Outcome[] = [];
  const running = new Set<Promise<void>>();
  let max = 0;
  let i = 0;
  const timer = setInterval(() => {
    const p = send(base, spec(i++)).then((o) => {
      outcomes.push(o);
      running.delete(p);
    });
    running.add(p);
    max = Math.max(max, running.size);
  }, 1000 / rps);
  return {
    outcomes,
    outstanding: () => running.size,
    maxOutstanding: () => max,
    async stop() {
      clearInterval(timer);
      await Promise.all([...running]);
      return outcomes;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function summarize(outcomes: Outcome[]) {
  const statuses: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.failure ?? String(o.status);
    statuses[k] = (statuses[k] ?? 0) + 1;
  }
  return statuses;
}
