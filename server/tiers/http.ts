// The HTTP plumbing shared by the connector's calls: one AbortController per call that every timer
// and the caller's signal feed, so whichever fires first decides the error kind; URL building;
// turning non-2xx answers and request failures into TierErrors. Calls go through transport.ts
// (undici's request() over a keep-alive pool), so repeated calls to a tier reuse sockets.
import { joined, readCapped } from '../lib/read-capped';
import { TierError, isTierError, kindForStatus, parseRetryAfter, type TierErrorKind } from './errors';
import type { UpstreamResponse } from './transport';
import type { TierConfig } from './types';

export class CallGuard {
  readonly controller = new AbortController();
  cause: TierError | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly onCallerAbort = () => this.fail(new TierError('cancelled', `call to ${this.tier} cancelled by the caller`, { tier: this.tier }));

  constructor(
    private readonly tier: string,
    private readonly callerSignal?: AbortSignal,
  ) {
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private abortedPromise: Promise<never> | null = null;
  /**
   * Rejects when the call is aborted. Reads race against it: an aborted fetch does not always
   * wake a pending body read (seen with undici when the body was already buffered).
   */
  get aborted(): Promise<never> {
    this.abortedPromise ??= new Promise<never>((_, reject) => {
      const fire = () => reject(this.cause ?? new TierError('cancelled', `call to ${this.tier} aborted`, { tier: this.tier }));
      if (this.signal.aborted) fire();
      else this.signal.addEventListener('abort', fire, { once: true });
    });
    this.abortedPromise.catch(() => undefined);
    return this.abortedPromise;
  }

  /** One read that ends when the call is aborted, whatever the stream does. */
  read<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.aborted]);
  }

  /** (Re)starts the named timer; when it fires the call fails with a timeout saying which limit hit. */
  arm(name: string, ms: number, what: string, emittedTokens = () => 0): void {
    const existing = this.timers.get(name);
    if (existing) {
      existing.refresh();
      return;
    }
    const t = setTimeout(() => this.fail(new TierError('timeout', `${this.tier}: ${what} (${ms} ms)`, { tier: this.tier, emittedTokens: emittedTokens() })), ms);
    t.unref();
    this.timers.set(name, t);
  }

  disarm(name: string): void {
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
  }

  fail(err: TierError): void {
    if (this.cause) return;
    this.cause = err;
    this.controller.abort(err);
  }

  /** The error to throw for `err`: a timer's or the caller's reason wins over undici's AbortError. */
  explain(err: unknown, kind: TierErrorKind, what: string, emittedTokens = 0): TierError {
    if (this.cause) return this.cause;
    if (isTierError(err)) return err;
    const detail = err instanceof Error ? describeCause(err) : String(err);
    return new TierError(kind, `${this.tier}: ${what}: ${detail}`, { tier: this.tier, cause: err, emittedTokens });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

function describeCause(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${err.message} (${(cause as { code?: string }).code ?? cause.message})`;
  return err.message;
}

/** `baseUrl` + path, tolerant of trailing slashes. */
export function endpoint(tier: Pick<TierConfig, 'baseUrl'>, path: string): string {
  return `${tier.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The server root (vLLM serves /health and /metrics there, not under /v1). */
export function rootUrl(tier: Pick<TierConfig, 'baseUrl'>): string {
  return tier.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export function headers(tier: Pick<TierConfig, 'apiKey'>, json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: json ? 'application/json' : 'text/event-stream' };
  if (tier.apiKey) h.authorization = `Bearer ${tier.apiKey}`;
  return h;
}

/** Reads at most `limit` bytes of a body as text; more is a bad response (no unbounded buffering). */
export function readTextCapped(res: UpstreamResponse, limit: number, guard?: CallGuard): Promise<string> {
  const read = readCapped(res.body, limit, {
    overflow: () => {
      res.body.destroy();
      return new TierError('bad_response', `response body larger than ${limit} bytes`);
    },
  }).then((b) => joined(b).toString('utf8')); // invalid UTF-8 becomes U+FFFD, as TextDecoder did
  return guard ? guard.read(read) : read;
}

/** A non-2xx answer as a TierError, with the upstream's own message when it sent an OpenAI error body. */
export async function httpError(tier: string, res: UpstreamResponse, guard?: CallGuard): Promise<TierError> {
  // OpenAI also sends retry-after-ms; prefer it when it is a sane number.
  const msHeader = res.header('retry-after-ms');
  const ms = msHeader == null || msHeader.trim() === '' ? NaN : Number(msHeader);
  const retryAfterMs = Number.isFinite(ms) && ms >= 0 ? ms : parseRetryAfter(res.header('retry-after'));
  let message = res.statusText || 'error';
  try {
    const text = await readTextCapped(res, 64 * 1024, guard);
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
      const m = typeof body.error === 'string' ? body.error : body.error?.message ?? body.message;
      if (typeof m === 'string' && m) message = m;
    } catch {
      if (text.trim()) message = text.trim().slice(0, 200);
    }
  } catch {
    // The status alone is enough to act on.
  }
  return new TierError(kindForStatus(res.status), `${tier}: HTTP ${res.status}: ${message}`, {
    tier,
    status: res.status,
    retryAfterMs,
  });
}
