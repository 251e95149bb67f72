// The featurizer: hashed word uni/bi-grams and character 3-grams with TF-IDF-style weights, plus
// named structural and keyword features. Everything the trained model depends on (bucket counts,
// hash seeds, IDF) lives in FeatureParams, which is saved in models/complexity.meta.json.
import { fnv1a } from './hash';
import { KEYWORD_NAMES, matchKeywords } from './keywords';
import { analyzeStructure, type Structure } from './structure';
import { detectLanguage, isCjk, prepare, tokenize } from './text';

export interface FeatureParams {
  wordBuckets: number;
  charBuckets: number;
  seeds: { word: number; bigram: number; char: number };
  /** IDF per hashed bucket (word buckets then char buckets); all ones before fitting. */
  idf: Float32Array;
  /**
   * L2 norm of each n-gram block (default 1). Below 1 the n-grams weigh less against the named
   * keyword/structure features, which transfer across sources better than vocabulary does.
   */
  ngramScale?: number;
}

export interface Features {
  indices: Int32Array;
  values: Float32Array;
  structure: Structure;
  keywords: string[];
  language: string;
  truncated: boolean;
}

const LANGS = ['en', 'es', 'de', 'fr', 'zh', 'ja'];
const BUCKETS = ['tiny', 'short', 'medium', 'long', 'very-long'];
const COARSE = ['short', 'medium', 'long'];

/** Names of the dense features, in index order. They come first in the feature vector. */
export const DENSE_NAMES: string[] = [
  'log-tokens', 'log-chars', 'log-sentences', 'log-questions', 'log-numbered', 'log-bullets', 'log-paragraphs',
  'code-block', 'has-code', 'has-math', 'math-density', 'log-numbers', 'has-url', 'context-share', 'multi-part',
  'truncated', 'keyword-count',
  ...BUCKETS.map((b) => `len:${b}`),
  ...LANGS.map((l) => `lang:${l}`), 'lang:other',
  ...KEYWORD_NAMES.map((k) => `kw:${k}`),
  // Keyword × coarse length: lets a linear model tell "write a poem" from a two-page brief.
  ...KEYWORD_NAMES.flatMap((k) => COARSE.map((c) => `kw:${k}&${c}`)),
];
export const DENSE = DENSE_NAMES.length;

export function defaultParams(wordBuckets = 1 << 14, charBuckets = 1 << 13, ngramScale = 1): FeatureParams {
  return {
    ngramScale,
    wordBuckets,
    charBuckets,
    seeds: { word: 0x811c9dc5, bigram: 0x9e3779b9, char: 0x85ebca6b },
    idf: new Float32Array(wordBuckets + charBuckets).fill(1),
  };
}

export function dimension(p: FeatureParams): number {
  return DENSE + p.wordBuckets + p.charBuckets;
}

const log1 = (x: number, scale: number) => Math.log1p(Math.max(0, x)) / scale;

// Positions of the one-hot dense features, precomputed: denseValues() runs on every request.
const BUCKET_AT = DENSE_NAMES.indexOf('len:tiny');
const LANG_AT = DENSE_NAMES.indexOf('lang:en');
const KW_AT = DENSE_NAMES.indexOf(`kw:${KEYWORD_NAMES[0]}`);
const KW_INDEX = new Map(KEYWORD_NAMES.map((k, i) => [k, i]));
const KW_CROSS_AT = KW_AT + KEYWORD_NAMES.length;
const denseScratch = new Float64Array(DENSE);

/**
 * The dense feature values, in DENSE_NAMES order, written into a scratch array (valid until the next
 * call). Same numbers as building the array from spreads did, without ~90 allocations per request.
 */
function denseValues(s: Structure, keywords: string[], language: string, truncated: boolean): Float64Array {
  const d = denseScratch;
  d.fill(0);
  d[0] = log1(s.tokens, 7);
  d[1] = log1(s.chars, 10);
  d[2] = log1(s.sentences, 4);
  d[3] = log1(s.questions, 3);
  d[4] = log1(s.numberedParts, 3);
  d[5] = log1(s.bullets, 3);
  d[6] = log1(s.paragraphs, 3);
  d[7] = s.codeBlocks > 0 ? 1 : 0;
  d[8] = s.hasCode ? 1 : 0;
  d[9] = s.hasMath ? 1 : 0;
  d[10] = Math.min(1, s.mathDensity * 4);
  d[11] = log1(s.numbers, 4);
  d[12] = s.urls > 0 ? 1 : 0;
  d[13] = s.contextShare;
  d[14] = s.multiPart ? 1 : 0;
  d[15] = truncated ? 1 : 0;
  d[16] = keywords.length / 4;
  const b = BUCKETS.indexOf(s.lengthBucket);
  if (b >= 0) d[BUCKET_AT + b] = 1;
  const l = LANGS.indexOf(language);
  d[LANG_AT + (l >= 0 ? l : LANGS.length)] = 1;
  const coarse = s.tokens < 30 ? 0 : s.tokens < 120 ? 1 : 2;
  for (const k of keywords) {
    const i = KW_INDEX.get(k);
    if (i === undefined) continue;
    d[KW_AT + i] = 1;
    d[KW_CROSS_AT + i * COARSE.length + coarse] = 1;
  }
  return d;
}

/** Counts per hashed bucket, kept in reusable scratch arrays (featurizing is hot: no Maps, no strings). */
class Counter {
  readonly counts: Float64Array;
  readonly touched: Int32Array;
  n = 0;
  constructor(size: number) {
    this.counts = new Float64Array(size);
    this.touched = new Int32Array(size);
  }
  add(bucket: number) {
    if (this.counts[bucket] === 0) this.touched[this.n++] = bucket;
    this.counts[bucket]++;
  }
  reset() {
    for (let i = 0; i < this.n; i++) this.counts[this.touched[i]] = 0;
    this.n = 0;
  }
}

const scratch = new Map<string, { word: Counter; char: Counter }>();
function counters(p: FeatureParams) {
  const key = `${p.wordBuckets}/${p.charBuckets}`;
  let c = scratch.get(key);
  if (!c) {
    c = { word: new Counter(p.wordBuckets), char: new Counter(p.charBuckets) };
    scratch.set(key, c);
  }
  c.word.reset();
  c.char.reset();
  return c;
}

/** Collects human names of the `wanted` feature indices (featureNames). */
export interface NameSink {
  wanted: Set<number>;
  map: Map<number, string>;
}

function nameIt(sink: NameSink, index: number, name: () => string) {
  if (sink.wanted.has(index) && !sink.map.has(index)) sink.map.set(index, name());
}

/** Names of the given feature indices in a text (the first n-gram that hashed there). */
export function featureNames(input: unknown, p: FeatureParams, indices: Iterable<number>): Map<number, string> {
  const wanted = new Set(indices);
  const sink: NameSink = { wanted, map: new Map() };
  for (const i of wanted) if (i < DENSE) sink.map.set(i, DENSE_NAMES[i]);
  if ([...wanted].some((i) => i >= DENSE)) hashedCounts(prepare(input).lower, p, sink);
  return sink.map;
}

/**
 * featureNames() for a text already tokenized (featurizeWithTokens): the same names (the first
 * n-gram, in text order, that hashed to each index) without preparing and tokenizing the text again,
 * and it stops at the first token after which every wanted index has its name.
 */
export function featureNamesOfTokens(tokens: string[], p: FeatureParams, indices: Iterable<number>): Map<number, string> {
  const map = new Map<number, string>();
  const wanted = new Set<number>();
  for (const i of indices) {
    if (i < DENSE) map.set(i, DENSE_NAMES[i]);
    else wanted.add(i);
  }
  let left = wanted.size;
  const wOff = DENSE;
  const cOff = DENSE + p.wordBuckets;
  // Names are built only for wanted, not yet named indices (no closure or string per n-gram).
  const open = (index: number) => wanted.has(index) && !map.has(index);
  let prevHash = 0;
  for (let i = 0; i < tokens.length && left > 0; i++) {
    const t = tokens[i];
    const uni = wOff + (fnv1a(t, p.seeds.word) % p.wordBuckets);
    if (open(uni)) {
      map.set(uni, t);
      left--;
    }
    if (i > 0) {
      const bi = wOff + (extend(t, Math.imul(prevHash ^ SPACE, 0x01000193) >>> 0) % p.wordBuckets);
      if (open(bi)) {
        map.set(bi, `${tokens[i - 1]} ${t}`);
        left--;
      }
    }
    prevHash = fnv1a(t, p.seeds.bigram);
    if (t.length >= 4 && !isCjk(t)) {
      const padded = ` ${t} `;
      for (let j = 0; j + 3 <= padded.length; j++) {
        const c = cOff + (char3(padded, j, p.seeds.char) % p.charBuckets);
        if (open(c)) {
          map.set(c, padded.slice(j, j + 3));
          left--;
        }
      }
    }
  }
  return map;
}

/** FNV-style hash of the 3 code units of `s` at `j`, straight from the string (no substring). */
function char3(s: string, j: number, seed: number): number {
  let h = Math.imul(seed ^ s.charCodeAt(j), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(j + 1), 0x01000193);
  h = Math.imul(h ^ s.charCodeAt(j + 2), 0x01000193);
  return h >>> 0;
}

/** FNV-1a continued over more text: hash(a + b) === extend(hash(a), b). */
const extend = fnv1a;
const SPACE = 0x20;

/**
 * Hashed n-gram buckets of a text, before weighting: word unigrams and bigrams, character 3-grams
 * of longer non-CJK words (so typos like "explian" land near the real word). The counters are
 * scratch space, valid until the next call.
 */
export function hashedCounts(lower: string, p: FeatureParams, names?: NameSink) {
  const tokens = tokenize(lower);
  const { word, char } = counters(p);
  const wOff = DENSE;
  const cOff = DENSE + p.wordBuckets;
  let prevHash = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const uni = fnv1a(t, p.seeds.word) % p.wordBuckets;
    word.add(uni);
    if (names) nameIt(names, wOff + uni, () => t);
    if (i > 0) {
      // hash("prev t") with the bigram seed, without building the string.
      let h = Math.imul(prevHash ^ SPACE, 0x01000193) >>> 0;
      h = extend(t, h);
      const bi = h % p.wordBuckets;
      word.add(bi);
      if (names) nameIt(names, wOff + bi, () => `${tokens[i - 1]} ${t}`);
    }
    prevHash = fnv1a(t, p.seeds.bigram);
    if (t.length >= 4 && !isCjk(t)) {
      // 3-grams of " t ", hashed straight from the code units.
      const padded = ` ${t} `;
      for (let j = 0; j + 3 <= padded.length; j++) {
        const b = char3(padded, j, p.seeds.char) % p.charBuckets;
        char.add(b);
        if (names) nameIt(names, cOff + b, () => padded.slice(j, j + 3));
      }
    }
  }
  return { tokens, word, char };
}

/** Writes (1 + ln tf) · idf weights for one hashed block, L2-normalised, from position `at`. */
function emitBlock(c: Counter, offset: number, idf: Float32Array, idfOffset: number, idx: Int32Array, val: Float32Array, at: number, scale: number): number {
  let norm = 0;
  for (let i = 0; i < c.n; i++) {
    const bucket = c.touched[i];
    const v = (1 + Math.log(c.counts[bucket])) * idf[idfOffset + bucket];
    idx[at + i] = offset + bucket;
    val[at + i] = v;
    norm += v * v;
  }
  if (norm > 0) {
    const inv = scale / Math.sqrt(norm);
    for (let i = 0; i < c.n; i++) val[at + i] *= inv;
  }
  return at + c.n;
}

export function featurize(input: unknown, p: FeatureParams): Features {
  return featurizeWithTokens(input, p).features;
}

/** featurize(), plus the word tokens it hashed (for featureNamesOfTokens: no second tokenization). */
export function featurizeWithTokens(input: unknown, p: FeatureParams): { features: Features; tokens: string[] } {
  const prep = prepare(input);
  const { tokens, word, char } = hashedCounts(prep.lower, p);
  const structure = analyzeStructure(prep.text, tokens);
  const keywords = matchKeywords(prep.lower);
  const language = detectLanguage(prep.lower, tokens);
  const dense = denseValues(structure, keywords, language, prep.truncated);
  let nonZero = 0;
  for (const v of dense) if (v !== 0 && Number.isFinite(v)) nonZero++;
  const indices = new Int32Array(nonZero + word.n + char.n);
  const values = new Float32Array(indices.length);
  let at = 0;
  for (let i = 0; i < DENSE; i++) {
    const v = dense[i];
    if (v !== 0 && Number.isFinite(v)) {
      indices[at] = i;
      values[at++] = v;
    }
  }
  const scale = p.ngramScale ?? 1;
  at = emitBlock(word, DENSE, p.idf, 0, indices, values, at, scale);
  emitBlock(char, DENSE + p.wordBuckets, p.idf, p.wordBuckets, indices, values, at, scale);
  return { features: { indices, values, structure, keywords, language, truncated: prep.truncated }, tokens };
}

/** Smooth IDF over hashed buckets: ln((1 + N) / (1 + df)) + 1. */
export function fitIdf(texts: string[], p: FeatureParams): Float32Array {
  const df = new Float64Array(p.wordBuckets + p.charBuckets);
  for (const t of texts) {
    const { word, char } = hashedCounts(prepare(t).lower, p);
    for (let i = 0; i < word.n; i++) df[word.touched[i]]++;
    for (let i = 0; i < char.n; i++) df[p.wordBuckets + char.touched[i]]++;
  }
  const idf = new Float32Array(df.length);
  for (let i = 0; i < df.length; i++) idf[i] = Math.log((1 + texts.length) / (1 + df[i])) + 1;
  return idf;
}

/** Writes the sparse features into a dense row (zeroing it first). */
export function toDense(f: Features, out: Float32Array, offset = 0, dim = out.length - offset): void {
  out.fill(0, offset, offset + dim);
  for (let i = 0; i < f.indices.length; i++) out[offset + f.indices[i]] = f.values[i];
}

/**
 * A small dense vector of the word n-gram block for nearest-neighbour search (history store):
 * buckets folded into `dim` slots with a hash-derived sign, L2-normalised.
 */
export function embed(f: Features, dim = 256): Float32Array {
  const out = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < f.indices.length; i++) {
    const ix = f.indices[i];
    if (ix < DENSE) continue;
    const h = Math.imul(ix, 0x9e3779b1) >>> 0;
    out[h % dim] += (h & 0x80000000 ? -1 : 1) * f.values[i];
  }
  for (let i = 0; i < dim; i++) norm += out[i] * out[i];
  if (norm > 0) for (let i = 0; i < dim; i++) out[i] /= Math.sqrt(norm);
  return out;
}
