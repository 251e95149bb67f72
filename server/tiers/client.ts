// TierClient: one tier's connector wrapped in the resilience policies the cascade executor needs
// (cockatiel): retry of 429 / 5xx / connection failures with exponential backoff + jitter that
// honours Retry-After, and a consecutive-failure circuit breaker. Timeouts live in the connector
// (they need to distinguish first token, idle and whole-stream limits). Streams are retried only
// until their first token: once a token reached the caller, a failure is final for this tier.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type IRetryBackoffContext,
} from 'cockatiel';
import { chat as rawChat, health as rawHealth, listModels as rawListModels, type HealthResult } from './connector';
import { TierError, isTierError } from './errors';
import type { CallOptions, ChatResult } from './parse';
import { chatStream as rawChatStream, type ChatStreamChunk, type StreamOptions } from './stream';
import type { ChatRequest, TierConfig } from './types';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface TierClientOptions {
  /** Retries after the first attempt (429, 5xx, connection failures). Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, full jitter. Default 200 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails now and the cascade escalates. Default 5 s. */
  maxRetryAfterMs?: number;
  /** Consecutive tier faults that open the breaker. Default 5. */
  breakerThreshold?: number;
  /** How long the breaker stays open before one probe call is let through. Default 10 s. */
  halfOpenAfterMs?: number;
  idleTimeoutMs?: number;
  streamTimeoutMs?: number;
}

export interface ClientChatResult extends ChatResult {
  /** Upstream calls made, retries included. */
  attempts: number;
}

const DEFAULTS = {
  maxRetries: 2,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 5_000,
  breakerThreshold: 5,
  halfOpenAfterMs: 10_000,
} satisfies TierClientOptions;

export class TierClient {
  private cfg: TierConfig;
  private readonly opts: Required<Pick<TierClientOptions, keyof typeof DEFAULTS>> & TierClientOptions;
  private readonly breakerPolicy;
  private readonly retryPolicy;
  private readonly policy;
  private openedAt = 0;
  private readonly listeners = new Set<(s: BreakerState) => void>();

  constructor(tier: TierConfig, options: TierClientOptions = {}) {
    this.cfg = tier;
    this.opts = { ...DEFAULTS, ...options };
    const o = this.opts;
    this.breakerPolicy = circuitBreaker(
      handleWhen((err) => isTierError(err) && err.tierFault),
      { halfOpenAfter: o.halfOpenAfterMs, breaker: new ConsecutiveBreaker(o.breakerThreshold) },
    );
    this.breakerPolicy.onBreak(() => (this.openedAt = Date.now()));
    this.breakerPolicy.onStateChange(() => {
      const s = this.breaker;
      for (const l of this.listeners) l(s);
    });
    const retryPolicy = retry(
      handleWhen((err) => isTierError(err) && err.retryable && (err.retryAfterMs == null || err.retryAfterMs <= o.maxRetryAfterMs)),
      {
        maxAttempts: o.maxRetries,
        backoff: new DelegateBackoff((ctx: IRetryBackoffContext<unknown>) => {
          const err = 'error' in ctx.result ? ctx.result.error : undefined;
          const expo = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (ctx.attempt - 1));
          const jittered = expo / 2 + Math.random() * (expo / 2);
          const after = isTierError(err) && err.retryAfterMs != null ? err.retryAfterMs : 0;
          return Math.max(jittered, after);
        }),
      },
    );
    this.retryPolicy = retryPolicy;
    this.policy = wrap(retryPolicy, this.breakerPolicy);
  }

  get tier(): TierConfig {
    return this.cfg;
  }

  /** Takes a changed config (admin edit) without losing the breaker's memory. */
  update(tier: TierConfig): void {
    this.cfg = tier;
  }

  /** 'half-open' also when the open period is over and the next call will be the probe. */
  get breaker(): BreakerState {
    const s = this.breakerPolicy.state;
    if (s === CircuitState.Closed) return 'closed';
    if (s === CircuitState.HalfOpen) return 'half-open';
    return Date.now() - this.openedAt >= this.opts.halfOpenAfterMs && s === CircuitState.Open ? 'half-open' : 'open';
  }

  onBreakerChange(listener: (s: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async chat(req: ChatRequest, opts: CallOptions = {}): Promise<ClientChatResult> {
    let attempts = 0;
    const result = await this.run(() => {
      attempts++;
      return rawChat(this.cfg, req, opts);
    }, opts.signal);
    return { ...result, attempts };
  }

  /**
   * Streams with retries before the first token only. Errors after tokens were yielded carry
   * `emittedTokens > 0`: the executor must end the client's stream with an error, not escalate silently.
   */
  async *chatStream(req: ChatRequest, opts: StreamOptions = {}): AsyncGenerator<ChatStreamChunk> {
    const o: StreamOptions = { idleTimeoutMs: this.opts.idleTimeoutMs, streamTimeoutMs: this.opts.streamTimeoutMs, ...opts };
    const { gen, first, finish } = await this.guarded(
      () => this.retryPolicy.execute(() => this.startStream(req, o), opts.signal),
      opts.signal,
      (late) => void late.gen.return(undefined).finally(() => late.finish()),
    );
    let outcome: unknown = undefined;
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const n = await gen.next();
        if (n.done) break;
        yield n.value;
      }
    } catch (err) {
      outcome = err;
      throw err;
    } finally {
      await gen.return(undefined).catch(() => undefined);
      finish(outcome);
    }
  }

  /**
   * Opens a stream inside the breaker and resolves at the first chunk, while the breaker's verdict
   * waits for the stream's end: a stream cut mid-answer counts as a tier fault, and a successful
   * stream start does not reset the failure count before the answer is complete.
   */
  private startStream(req: ChatRequest, o: StreamOptions) {
    type Started = { gen: AsyncGenerator<ChatStreamChunk>; first: IteratorResult<ChatStreamChunk>; finish: (err?: unknown) => void };
    return new Promise<Started>((resolveStart, rejectStart) => {
      this.breakerPolicy
        .execute(async () => {
          const gen = rawChatStream(this.cfg, req, o);
          let first: IteratorResult<ChatStreamChunk>;
          try {
            first = await gen.next();
          } catch (err) {
            await gen.return(undefined).catch(() => undefined);
            throw err;
          }
          await new Promise<void>((done, fail) => resolveStart({ gen, first, finish: (err) => (err === undefined ? done() : fail(err)) }));
        })
        .catch(rejectStart); // a no-op once started: the consumer already has the error
    });
  }

  listModels(opts: CallOptions = {}): Promise<string[]> {
    return rawListModels(this.cfg, opts);
  }

  /** Health probes bypass retry and breaker: they are how we learn the tier is back. */
  health(opts: CallOptions = {}): Promise<HealthResult> {
    return rawHealth(this.cfg, opts);
  }

  private run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.guarded(() => this.policy.execute(fn, signal), signal);
  }

  /**
   * Normalizes what the policies throw into TierErrors (an open breaker becomes circuit_open), and
   * returns at once when the caller aborts: cockatiel's backoff sleep is not abortable, so the
   * policy finishes in the background (its next attempt fails fast on the aborted signal) and
   * `dispose` cleans up a result that arrives after nobody wants it.
   */
  private async guarded<T>(fn: () => Promise<T>, signal?: AbortSignal, dispose?: (late: T) => void): Promise<T> {
    try {
      const work = fn();
      if (!signal) return await work;
      if (signal.aborted) throw this.cancelled();
      let onAbort: () => void = () => undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(this.cancelled());
        signal.addEventListener('abort', onAbort, { once: true });
      });
      let won = false;
      try {
        return await Promise.race([work.then((v) => ((won = true), v)), aborted]);
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (!won) work.then((late) => dispose?.(late), () => undefined);
      }
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        const left = Math.max(0, this.opts.halfOpenAfterMs - (Date.now() - this.openedAt));
        throw new TierError('circuit_open', `${this.cfg.name}: circuit breaker open`, { tier: this.cfg.name, retryAfterMs: left, cause: err });
      }
      if (isTierError(err)) throw err;
      throw new TierError('network', `${this.cfg.name}: ${(err as Error)?.message ?? String(err)}`, { tier: this.cfg.name, cause: err });
    }
  }

  private cancelled(): TierError {
    return new TierError('cancelled', `${this.cfg.name}: call cancelled by the caller`, { tier: this.cfg.name });
  }
}
