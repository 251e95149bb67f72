// Typo tests shared by the hit verifier's checks: bounded edit distance and "is this one word
// misspelt as the other", with the word list deciding which pairs are two real words.
import { americanSpelling, isWord } from '../embedding/dictionary';
import { STOPWORDS } from '../embedding/text';

// Three reusable rows for editDistance: it runs for many word pairs per lookup, so it must not
// allocate. Grown on demand (words are at most a few dozen characters; giant tokens are cut off by
// the length-difference bound before any row is touched only when lengths are close).
let rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Optimal-string-alignment distance (an adjacent transposition costs 1), or `max + 1` as soon as
 *  it is certain to exceed `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = b.length;
  if (rows[0].length < n + 1) rows = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  let [prev2, prev, cur] = rows;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n];
}

export const sortedLetters = (w: string) => [...w].sort().join('');

const SHORT_STOPWORDS = [...STOPWORDS].filter((w) => w.length >= 3 && w.length <= 5);
/** "teh", "dose", "waht": a misspelt function word. */
export function isStopTypo(w: string): boolean {
  return SHORT_STOPWORDS.some((s) => s.length === w.length && editDistance(s, w, 1) <= 1 && sortedLetters(s) === sortedLetters(w));
}

const undoubled = (w: string) => w.replace(/(\p{L})\1+/gu, '$1');

/** "reccomend" / "recommend", "tommorow" / "tomorrow": the letters right and only their doubling
 *  wrong, the commonest spelling slip, often two edits apart. Exactly one side a dictionary word,
 *  5+ letters (two real words, "later" / "latter", stay different). */
function doublingSlip(a: string, b: string): boolean {
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 2 || /\p{N}/u.test(a + b)) return false;
  if (undoubled(a) !== undoubled(b)) return false;
  return isWord(a) !== isWord(b);
}

/** Is `a` plausibly a typo of `b` (or vice versa)? One edit (an adjacent transposition counts as
 *  one), and never between two common English words: "form"/"from", "cat"/"car", "sped"/"speed"
 *  are different words. A common word and a non-word are a misspelling ("slep"/"sleep",
 *  "fod"/"food"; in words under 5 letters only a dropped/added letter or a transposition, so
 *  "gpu"/"cpu" is not). Between two unknown words (names, jargon) only transpositions from 4
 *  letters and a dropped or added letter from 6. British/American spellings ("colour"/"color") are equal. */
export function isTypo(a: string, b: string): boolean {
  if (a === b) return true;
  if (doublingSlip(a, b)) return true;
  const len = Math.max(a.length, b.length);
  if (len < 4 || len > 40 || Math.abs(a.length - b.length) > 1 || /\p{N}/u.test(a) || /\p{N}/u.test(b)) return false;
  // Cheapest test first: almost every pair compared is more than one edit apart.
  if (editDistance(a, b, 1) !== 1) return false;
  const wa = isWord(a);
  const wb = isWord(b);
  if (wa && wb) return americanSpelling(a) === americanSpelling(b);
  const transposition = a.length === b.length && sortedLetters(a) === sortedLetters(b);
  if (wa || wb) return len >= 5 || transposition || a.length !== b.length;
  // Two unknown words one letter apart are usually two names ("Carlsen" / "Carlson", "Hansen" /
  // "Hanson"): only a swapped, dropped or added letter counts.
  return transposition || (len >= 6 && a.length !== b.length);
}
