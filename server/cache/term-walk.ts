// Which entries a term-index search scores: the ones sharing the most of the query's indexed terms,
// found by walking the terms' posting lists (sets of entry keys) rarest first. Pure functions over
// the lists; the memory index owns the lists themselves.

/** Entries scored exactly per term-index search (by shared-term count first). Postings longer than
 *  RARE_POSTINGS (very common terms) are only walked when the prompt has no rarer indexed term, and
 *  then at most POSTINGS_BUDGET of them: a paraphrase shares the rare terms, and a common term's
 *  list is what makes a lookup slow. That walk is the definition (sharedTermsWalk); sharedTermsFast
 *  finds the same entries in the same order and usually stops after a few dozen postings. */
const TERM_CANDIDATES = 16;
export const RARE_POSTINGS = 2_000;
export const POSTINGS_BUDGET = 20_000;

export interface Limits {
  rare: number;
  budget: number;
}

/** Postings visited by term searches (tests and benches read it: the fast path must stay cheap). */
export interface TermWalkStats {
  /** Searches answered by the early-stopping selection / by the full walk. */
  fast: number;
  walks: number;
  /** Postings (entry keys) visited, both ways together. */
  visited: number;
}

/**
 * The reference selection (the definition): walk the postings rarest first — a list longer than
 * RARE_POSTINGS only when nothing was walked yet, at most POSTINGS_BUDGET postings — count the
 * shared terms per entry, and return up to TERM_CANDIDATES usable entries, most shared terms
 * first, ties in the order the walk first met them. Its cost grows with the lists: on templated
 * traffic ("… (request 1234)") the rarest term of a prompt is in every entry of its template.
 */
export function sharedTermsWalk(lists: Array<Set<number>>, usable: (key: number) => boolean, limits: Limits, stats: TermWalkStats): number[] {
  stats.walks++;
  const counts = new Map<number, number>();
  let walked = 0;
  for (const set of lists) {
    if (walked > 0 && set.size > limits.rare) break;
    for (const key of set) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (++walked >= limits.budget) break;
    }
  }
  stats.visited += walked;
  // Bucketed by count: no big sort.
  const buckets: number[][] = Array.from({ length: lists.length + 1 }, () => []);
  for (const [key, c] of counts) buckets[c].push(key);
  const out: number[] = [];
  for (let c = lists.length; c >= 1 && out.length < TERM_CANDIDATES; c--) {
    for (const key of buckets[c]) {
      if (out.length >= TERM_CANDIDATES) break;
      if (usable(key)) out.push(key);
    }
  }
  return out;
}

/**
 * The same selection as sharedTermsWalk, in the same order, without counting every posting: the
 * entries sharing c of the n walked lists, in the order the walk would first meet them, for
 * c = n, n-1, …, until TERM_CANDIDATES are found. An entry in c of the n lists is in one of the
 * first n-c+1 (so the pass for c only scans those), and the walk meets it first in the first list
 * holding it (so a key also in an earlier list is skipped: it was offered there). On templated
 * traffic the first pass finds them all after TERM_CANDIDATES postings. Returns null — the caller
 * then walks — when the walk would have been cut by POSTINGS_BUDGET (its counts would then depend on
 * where it stopped) or when this costs more than an eighth of the walk's postings (prompts whose
 * rare terms share few entries, where the walk is short anyway).
 */
export function sharedTermsFast(lists: Array<Set<number>>, usable: (key: number) => boolean, limits: Limits, stats: TermWalkStats): number[] | null {
  // The lists the walk visits: the first, then the following ones up to RARE_POSTINGS long.
  let n = 0;
  let total = 0;
  for (const set of lists) {
    if (total > 0 && set.size > limits.rare) break;
    n++;
    total += set.size;
  }
  if (n > 1 && total >= limits.budget) return null;
  // Work = postings looked at + membership tests; past an eighth of the walk's postings, walk.
  const maxWork = 32 + total / 8;
  let work = 0;
  const out: number[] = [];
  for (let c = n; c >= 1; c--) {
    for (let i = 0; i <= n - c; i++) {
      // With one list the walk counts only its first POSTINGS_BUDGET postings.
      let left = limits.budget;
      for (const key of lists[i]) {
        if (--left < 0) break;
        if (++work > maxWork) {
          stats.visited += work;
          return null;
        }
        let earlier = false;
        for (let j = 0; j < i && !earlier; j++, work++) earlier = lists[j].has(key);
        if (earlier) continue;
        // Its count, as far as it decides "exactly c": stop once above c or unable to reach it.
        let count = 1;
        for (let j = i + 1; j < n && count <= c && count + (n - j) >= c; j++, work++) if (lists[j].has(key)) count++;
        if (count !== c || !usable(key)) continue;
        out.push(key);
        if (out.length >= TERM_CANDIDATES) {
          stats.fast++;
          stats.visited += work;
          return out;
        }
      }
    }
  }
  stats.fast++;
  stats.visited += work;
  return out;
}
