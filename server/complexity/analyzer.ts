// assess(text): features (keywords + structure + n-grams) -> ONNX classifier -> optional history
// tilt -> { band, score, probs, signals }. The keyword and structure analyses are not separate
// hand-tuned rules: they are named input features whose weights the classifier learned.
import { DomainError } from '../lib/errors';
import * as ort from 'onnxruntime-node';
import { createRequire } from 'node:module';
import { DEFAULT_META_PATH, DEFAULT_MODEL_PATH, loadArtifacts, type Loaded } from './artifact';
import { featureNamesOfTokens, featurizeWithTokens, type FeatureParams, type Features } from './featurize';
import { historySignal, type HistoryStore } from './history';
import { blendWithHistory, type BlendOptions } from './history-model';
import { CLASSES, OUTPUT_NAME, softmax, SPARSE_INDICES, SPARSE_VALUES, toOnnxSparse, type LinearModel } from './model';
import { sample, STAGE_TRACE, traceNow } from '../lib/stage-trace';
import { BANDS, type Analyzer, type Assessment, type Band, type BandProbs, type Signals } from './types';

export interface AnalyzerOptions {
  modelPath?: string;
  metaPath?: string;
  /** Past queries with outcomes; when given, the k nearest neighbours tilt each assessment. */
  history?: HistoryStore;
  /** Neighbours to consult (default 10) when the store has no learned estimate for every tier. */
  historyK?: number;
  /** How the store's learned per-tier estimate is mixed into the band probabilities. */
  historyBlend?: BlendOptions;
  /** How many top contributing features to report in signals (default 5). */
  topFeatures?: number;
  /** Run the model through onnxruntime's public async InferenceSession.run() (tests compare the two paths). */
  asyncSession?: boolean;
}

/** Thrown for input that is not text at all (e.g. a number or an object); text of any content is assessed. */
export class ComplexityInputError extends DomainError {
  constructor(message: string) {
    super('bad_request', message);
  }
}

// Centred band positions: a positive history shift moves mass toward complex/research.
const TILT = [-1.5, -0.5, 0.5, 1.5];

export function scoreOf(probs: number[]): number {
  let s = 0;
  probs.forEach((p, i) => (s += p * i));
  const score = s / (CLASSES - 1);
  return Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}

function asProbs(p: number[]): BandProbs {
  return Object.fromEntries(BANDS.map((b, i) => [b, p[i]])) as BandProbs;
}

/**
 * Features whose weight pushed most toward the chosen band (relative to the class mean). Names are
 * looked up only for the winners: naming every n-gram of a long text would cost more than the model.
 */
function topContributions(model: LinearModel, params: FeatureParams, tokens: string[], f: Features, band: number, n: number): Signals['topFeatures'] {
  // The n largest positive weights (ties: lower index first), kept in order as they are found: the
  // same n, in the same order, as sorting every positive one, without an object per feature.
  const top: { index: number; weight: number }[] = [];
  const before = (w: number, ix: number, o: { index: number; weight: number }) => w > o.weight || (w === o.weight && ix < o.index);
  for (let i = 0; i < f.indices.length; i++) {
    const row = f.indices[i] * CLASSES;
    let mean = 0;
    for (let c = 0; c < CLASSES; c++) mean += model.weights[row + c];
    mean /= CLASSES;
    const weight = f.values[i] * (model.weights[row + band] - mean);
    if (!(weight > 0) || n <= 0) continue;
    const index = f.indices[i];
    if (top.length === n && !before(weight, index, top[n - 1])) continue;
    let at = top.length < n ? top.length : n - 1;
    while (at > 0 && before(weight, index, top[at - 1])) at--;
    if (top.length === n) top.pop();
    top.splice(at, 0, { index, weight });
  }
  const names = featureNamesOfTokens(tokens, params, top.map((x) => x.index));
  return top.map((x) => ({ feature: names.get(x.index) ?? `#${x.index}`, weight: Math.round(x.weight * 1000) / 1000 }));
}

/** onnxruntime-node's native session, as its own InferenceSession wraps it: run() is synchronous. */
export interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: ort.InferenceSession.SessionOptions): void;
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, null>, options: ort.InferenceSession.RunOptions): Record<string, { data: unknown }>;
  dispose(): void;
}

export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

/**
 * The model in a native session called directly. onnxruntime-node's InferenceSession.run() (1.30)
 * makes the same native call on the main thread, but inside a setImmediate: the request waits for
 * a turn of the event loop, behind every I/O callback and deferred task ready at that moment (at
 * 100 req/s in the router bench 1.6 ms p50, 17.6 ms p99, for a ~0.1–0.3 ms computation). Same
 * library, same model bytes, same options, same thread: the same numbers (analyzer.test.ts compares
 * them bit for bit). null when the binding is not where this version keeps it (an internal path,
 * required here rather than imported so that an upgrade that moves it falls back instead of failing
 * to load): then the public API.
 */
export function nativeSession(bytes: Uint8Array): NativeSession | null {
  try {
    const { binding, initOrt } = createRequire(import.meta.url)('onnxruntime-node/dist/binding') as {
      binding: { InferenceSession: new () => unknown };
      initOrt: () => void;
    };
    initOrt();
    const s = new binding.InferenceSession() as unknown as NativeSession;
    s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, SESSION_OPTIONS);
    return s;
  } catch {
    return null;
  }
}

export class ComplexityAnalyzer implements Analyzer {
  private constructor(
    private readonly session: ort.InferenceSession | null,
    private readonly native: NativeSession | null,
    private readonly model: LinearModel,
    private readonly params: FeatureParams,
    readonly modelVersion: string,
    private readonly opts: AnalyzerOptions,
  ) {}

  static async create(opts: AnalyzerOptions = {}): Promise<ComplexityAnalyzer> {
    return ComplexityAnalyzer.fromLoaded(loadArtifacts(opts.modelPath ?? DEFAULT_MODEL_PATH, opts.metaPath ?? DEFAULT_META_PATH), opts);
  }

  /** An analyzer from artifacts already in memory (a registry version's bytes and meta). */
  static async fromLoaded(a: Loaded, opts: AnalyzerOptions = {}): Promise<ComplexityAnalyzer> {
    // ONNX Runtime serves the artifact's weights through the sparse graph (model.ts toOnnxSparse).
    const serving = toOnnxSparse(a.model);
    const native = opts.asyncSession ? null : nativeSession(serving);
    const session = native ? null : await ort.InferenceSession.create(serving, SESSION_OPTIONS);
    return new ComplexityAnalyzer(session, native, a.model, a.params, a.meta.modelVersion, opts);
  }

  /** The feature parameters this analyzer was trained with (e.g. to build a matching history store). */
  get featureParams(): FeatureParams {
    return this.params;
  }

  /** Class probabilities from ONNX Runtime for a batch of featurized texts (one sparse run per row). */
  async classify(features: Features[]): Promise<number[][]> {
    if (this.native) return features.map((f) => this.classifyNow(f));
    const out: number[][] = [];
    for (const f of features) out.push(await this.classifyAsync(f));
    return out;
  }

  private feeds(f: Features): Record<string, ort.Tensor> {
    return {
      [SPARSE_INDICES]: new ort.Tensor('int32', f.indices, [f.indices.length]),
      [SPARSE_VALUES]: new ort.Tensor('float32', f.values, [f.values.length, 1]),
    };
  }

  /** The native session, in this turn of the event loop (see nativeSession). */
  private classifyNow(f: Features): number[] {
    const t0 = STAGE_TRACE ? traceNow() : 0;
    const out = this.native!.run(this.feeds(f), { [OUTPUT_NAME]: null }, {});
    if (STAGE_TRACE) sample('assess.onnx.wall', traceNow() - t0);
    return Array.from(out[OUTPUT_NAME].data as Float32Array);
  }

  private async classifyAsync(f: Features): Promise<number[]> {
    const t0 = STAGE_TRACE ? traceNow() : 0;
    // The setImmediate ORT's run() defers to is queued right after this one: the gap is the hop.
    if (STAGE_TRACE) setImmediate(() => sample('assess.onnx.hop', traceNow() - t0));
    const out = await this.session!.run(this.feeds(f));
    if (STAGE_TRACE) sample('assess.onnx.wall', traceNow() - t0);
    return Array.from(out[OUTPUT_NAME].data as Float32Array);
  }

  featuresOf(text: string): { i: number[]; v: number[] } {
    const { features } = featurizeWithTokens(text, this.params);
    return { i: Array.from(features.indices), v: Array.from(features.values) };
  }

  async assess(text: string): Promise<Assessment> {
    if (typeof text !== 'string') throw new ComplexityInputError(`assess() needs a string, got ${text === null ? 'null' : typeof text}`);
    const t0 = STAGE_TRACE ? traceNow() : 0;
    const { features: f, tokens } = featurizeWithTokens(text, this.params);
    if (STAGE_TRACE) sample('assess.featurize', traceNow() - t0);
    let probs = this.native ? this.classifyNow(f) : await this.classifyAsync(f);
    // Never let a numeric accident through: fall back to the uniform distribution.
    if (!probs.every(Number.isFinite)) probs = new Array<number>(CLASSES).fill(1 / CLASSES);

    let history: Signals['history'];
    // With a learned history estimate the score is blended directly (the band stays the classifier's).
    let historyScore: number | null = null;
    const store = this.opts.history;
    if (store) {
      // Learned per-tier success (one sparse dot product per tier) when the store has outcomes of
      // every tier; otherwise the k nearest neighbours tilt the logits.
      const est = store.estimate?.(f) ?? null;
      const blended = est && blendWithHistory(scoreOf(probs), est, this.opts.historyBlend);
      if (est && blended) {
        historyScore = blended.score;
        const r3 = (x: number | null) => (x === null ? 0 : Math.round(x * 1000) / 1000);
        history = {
          neighbours: 0,
          smallSuccessRate: r3(est.success.small),
          shift: r3(blended.score - scoreOf(probs)),
          tierSuccess: { small: r3(est.success.small), medium: r3(est.success.medium), large: r3(est.success.large) },
          weight: r3(blended.weight),
        };
      } else {
        const neighbours = await store.neighbours(text, this.opts.historyK ?? 10, { f, params: this.params });
        const h = historySignal(neighbours);
        if (h.shift !== 0) probs = softmax(probs.map((p, i) => Math.log(Math.max(p, 1e-12)) + h.shift * TILT[i]));
        history = { neighbours: h.neighbours, smallSuccessRate: h.smallSuccessRate, shift: Math.round(h.shift * 1000) / 1000 };
      }
    }

    const bandIndex = probs.indexOf(Math.max(...probs));
    const band: Band = BANDS[bandIndex];
    const s = f.structure;
    return {
      band,
      score: historyScore ?? scoreOf(probs),
      probs: asProbs(probs),
      modelVersion: this.modelVersion,
      signals: {
        keywords: f.keywords,
        lengthBucket: s.lengthBucket,
        tokens: s.tokens,
        sentences: s.sentences,
        questions: s.questions,
        numberedParts: s.numberedParts,
        hasCode: s.hasCode,
        hasMath: s.hasMath,
        multiPart: s.multiPart,
        language: f.language,
        contextShare: Math.round(s.contextShare * 1000) / 1000,
        topFeatures: topContributions(this.model, this.params, tokens, f, bandIndex, this.opts.topFeatures ?? 5),
        ...(history ? { history } : {}),
        truncated: f.truncated,
      },
    };
  }

  async close(): Promise<void> {
    this.native?.dispose();
    await this.session?.release();
  }
}
