// The server's analyzer, replaceable without a restart: a classifier version promoted in the model
// registry is swapped in (requests in flight finish on the one they started with; the old session is
// closed after a grace period), and a shadow version assesses the same text beside it, its band and
// score recorded in the signals and never used.
import { fromOnnx } from './model';
import { paramsFromMeta, type Meta } from './artifact';
import { ComplexityAnalyzer, type AnalyzerOptions } from './analyzer';
import type { FeatureParams } from './featurize';
import type { Analyzer, Assessment } from './types';
import { serialized } from '../lib/serial';

export class LiveAnalyzer implements Analyzer {
  private shadowAnalyzer: ComplexityAnalyzer | null = null;
  private readonly retiring = new Set<ComplexityAnalyzer>();

  constructor(
    private active: ComplexityAnalyzer,
    private readonly opts: AnalyzerOptions = {},
  ) {}

  get modelVersion(): string {
    return this.active.modelVersion;
  }

  get featureParams(): FeatureParams {
    return this.active.featureParams;
  }

  get shadowVersion(): string | null {
    return this.shadowAnalyzer?.modelVersion ?? null;
  }

  async assess(text: string): Promise<Assessment> {
    const shadow = this.shadowAnalyzer;
    const a = await this.active.assess(text);
    if (shadow) {
      try {
        const s = await shadow.assess(text);
        a.signals.shadow = { version: s.modelVersion, band: s.band, score: Math.round(s.score * 1000) / 1000 };
      } catch {
        // the shadow's failure is the shadow's problem: the request keeps the active assessment
      }
    }
    return a;
  }

  featuresOf(text: string): { i: number[]; v: number[] } {
    return this.active.featuresOf(text);
  }

  /** An analyzer for a registry version (its ONNX bytes and meta), with this analyzer's options (history). */
  async open(onnx: Uint8Array, meta: Record<string, unknown>): Promise<ComplexityAnalyzer> {
    const m = meta as unknown as Meta;
    const params = paramsFromMeta(m);
    const model = fromOnnx(onnx);
    if (params.wordBuckets !== this.featureParams.wordBuckets || params.charBuckets !== this.featureParams.charBuckets) throw new Error(`complexity model ${m.modelVersion} hashes into other buckets than the running one`);
    return ComplexityAnalyzer.fromLoaded({ onnxBytes: onnx, model, params, meta: m }, this.opts);
  }

  swap(next: ComplexityAnalyzer, graceMs = 30_000): void {
    const old = this.active;
    this.active = next;
    this.retire(old, graceMs);
  }

  setShadow(next: ComplexityAnalyzer | null, graceMs = 30_000): void {
    const old = this.shadowAnalyzer;
    this.shadowAnalyzer = next;
    this.retire(old, graceMs);
  }

  private retire(old: ComplexityAnalyzer | null, graceMs: number) {
    if (!old || old === this.active || old === this.shadowAnalyzer) return;
    this.retiring.add(old);
    setTimeout(() => {
      this.retiring.delete(old);
      void old.close().catch(() => undefined);
    }, graceMs).unref();
  }

  async close(): Promise<void> {
    await Promise.all([this.active, ...(this.shadowAnalyzer ? [this.shadowAnalyzer] : []), ...this.retiring].map((a) => a.close()));
    this.retiring.clear();
  }
}

/** What the watcher needs of the registry (server/repos/models.ts implements it). */
export interface ClassifierHeadsSource {
  heads(kind: string): Promise<{ active: { id: string; version: string } | null; shadow: { id: string; version: string } | null }>;
  artifact(id: string): Promise<{ onnx: Uint8Array; meta: Record<string, unknown> }>;
}

/**
 * Keeps a replica's classifier in step with the registry's complexity versions: polls the heads, and
 * when the active or shadow version changed, opens the stored bytes and swaps them in. An empty
 * registry leaves the shipped artifact in place.
 */
export function watchComplexityModel(src: ClassifierHeadsSource, live: LiveAnalyzer, opts: { kind?: string; refreshMs?: number; warn?: (msg: string) => void } = {}) {
  const kind = opts.kind ?? 'complexity';
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  // A notice that arrives during a refresh gets a refresh of its own after it (it may name a change
  // the running one read too early to see).
  const refresh = serialized(async () => {
    try {
      const h = await src.heads(kind);
      if (h.active && h.active.version !== live.modelVersion) {
        const a = await src.artifact(h.active.id);
        live.swap(await live.open(a.onnx, a.meta));
      }
      if ((h.shadow?.version ?? null) !== live.shadowVersion) {
        const s = h.shadow ? await src.artifact(h.shadow.id) : null;
        live.setShadow(s ? await live.open(s.onnx, s.meta) : null);
      }
    } catch (e) {
      warn(`complexity model registry: ${(e as Error).message}; keeping the loaded model`);
    }
  });
  const timer = setInterval(() => void refresh(), opts.refreshMs ?? 10_000);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
