// SentencePiece (unigram) tokenizer for the Universal Sentence Encoder lite vocabulary.
//
// Reimplemented from the tokenizer of @energetic-ai/embeddings 0.2.0 (Apache-2.0, Jonathan Wilde),
// itself a port of Google's tfjs-models universal-sentence-encoder tokenizer (Apache-2.0,
// Copyright 2019 Google LLC). We do not import that package because it loads its own bundled copy
// of TensorFlow.js (@energetic-ai/core) at import time. The algorithm and its tie-breaking are kept
// exactly (the model was trained on these ids; tokenizer.test.ts pins ids produced by the original):
//   1. NFKC, prefix U+2581 and replace every space by U+2581;
//   2. for every position, every vocabulary piece that starts there (a trie walk), or the single
//      character as unknown (id 0, score 0) when none does;
//   3. Viterbi over piece scores (log probabilities), later candidates winning ties;
//   4. consecutive unknown ids are merged into one.
// The differences are internal: pieces live in a Map-based trie instead of one object per node with
// a copied prefix array, and the lattice is walked without building intermediate objects.

export const SEPARATOR = '\u2581';
/** <unk>, <s>, </s> and three extra ids precede the real pieces and never match text. */
const RESERVED = 6;

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Vocabulary index of the piece ending here, or -1. */
  id: number;
}

export type Vocabulary = ReadonlyArray<readonly [string, number | null]>;

export class SentencePieceTokenizer {
  private readonly root: TrieNode = { children: new Map(), id: -1 };
  private readonly scores: Float64Array;
  /** Length of each piece in code points (the original counts Array.from(piece).length). */
  private readonly lengths: Int32Array;

  constructor(private readonly vocab: Vocabulary) {
    if (!Array.isArray(vocab) || vocab.length <= RESERVED) throw new Error('use-lite: vocabulary is empty or malformed');
    this.scores = new Float64Array(vocab.length);
    this.lengths = new Int32Array(vocab.length);
    for (let i = 0; i < vocab.length; i++) {
      const [piece, score] = vocab[i];
      if (typeof piece !== 'string' || (typeof score !== 'number' && score !== null)) throw new Error(`use-lite: vocabulary entry ${i} is malformed`);
      // Seven pieces (":", "?", ...) carry a null score in the shipped vocabulary; the original adds
      // it to a number, i.e. counts it as 0 (the most probable score: such pieces always win).
      this.scores[i] = score ?? 0;
      const chars = Array.from(piece);
      this.lengths[i] = chars.length;
      if (i < RESERVED) continue;
      let node = this.root;
      for (const ch of chars) {
        let next = node.children.get(ch);
        if (!next) {
          next = { children: new Map(), id: -1 };
          node.children.set(ch, next);
        }
        node = next;
      }
      node.id = i;
    }
    // Reserved ids have length 1 in the backtrace of the original (the unknown id 0 stands for one char).
    this.lengths[0] = 1;
  }

  get size(): number {
    return this.vocab.length;
  }

  /** Token ids of `input`; '' gives []. */
  encode(input: string): number[] {
    return this.encodeCounting(input).ids;
  }

  /** encode(), plus how many input characters (code points after NFKC, separators included) fell
   *  outside the vocabulary (unknown, id 0), of how many. */
  encodeCounting(input: string): { ids: number[]; unknownChars: number; chars: number } {
    const normalized = input.normalize('NFKC');
    if (normalized.length === 0) return { ids: [], unknownChars: 0, chars: 0 };
    const symbols = Array.from(SEPARATOR + normalized.replace(/ /g, SEPARATOR));
    const n = symbols.length;
    // best[e]: best score of a segmentation of symbols[0, e); word[e]: id of its last piece.
    // 0 means "unset" as in the original (real scores are negative; unknown pieces score 0).
    const best = new Float64Array(n + 1);
    const word = new Int32Array(n + 1);
    // The original fills the lattice first and then relaxes every end position, visiting the start
    // positions of pieces ending there in ascending order, and candidates of one start in trie order
    // (shorter first). Pieces ending at `e` only depend on best[s] for s < e, so relaxing in the
    // order below (by end, then start ascending) yields the same result.
    const byEnd: Array<Array<[number, number]>> = Array.from({ length: n + 1 }, () => []);
    for (let i = 0; i < n; i++) {
      let node = this.root.children.get(symbols[i]);
      let found = false;
      for (let j = i; j < n && node; j++) {
        if (node.id >= 0) {
          byEnd[j + 1].push([i, node.id]);
          found = true;
        }
        node = j + 1 < n ? node.children.get(symbols[j + 1]) : undefined;
      }
      if (!found) byEnd[i + 1].push([i, 0]);
    }
    for (let e = 0; e <= n; e++) {
      const cands = byEnd[e];
      // Stable sort by start keeps the within-start (shorter-first) order.
      cands.sort((a, b) => a[0] - b[0]);
      for (const [s, id] of cands) {
        const score = (id === 0 ? 0 : this.scores[id]) + best[s];
        if (best[e] === 0 || score >= best[e]) {
          best[e] = score;
          word[e] = id;
        }
      }
    }
    const out: number[] = [];
    let unknownChars = 0;
    for (let e = n; e > 0; ) {
      out.push(word[e]);
      if (word[e] === 0) unknownChars++;
      // The original steps back by the vocabulary piece's length; for id 0 (unknown) that is 1.
      e -= word[e] === 0 ? 1 : this.lengths[word[e]];
    }
    out.reverse();
    const merged: number[] = [];
    for (let i = 0; i < out.length; i++) if (!(out[i] === 0 && i > 0 && out[i - 1] === 0)) merged.push(out[i]);
    return { ids: merged, unknownChars, chars: n };
  }
}
