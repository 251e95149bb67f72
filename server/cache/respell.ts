// Misspellings of the other prompt's words. A typo on one side of a pair made the verifier read a
// different word there: a unit ("innch"), a name ("Hlal"), a quoted phrase, a word added to the
// question ("fpr", "thr"). Before the facts are compared, each word that is not in the dictionary
// and is one edit from a word of the other prompt is written as that word; the checks then compare
// what the two prompts mean, and a real difference (another real word, another name) still fails.
import { isWord } from '../embedding/dictionary';
import { AMBIGUOUS_LANGUAGES, DATE_WORDS, DIRECTIONAL, HUMAN_LANGUAGES, LANGUAGES, NUMBER_WORDS, POLARITY, UNITS } from '../embedding/lexicon';
import { STOPWORDS, words } from '../embedding/text';
import { editDistance, isTypo, sortedLetters } from './typo';

/** A word the verifier reads a fact from (a unit, a language, a degree, a direction, a date, a number): it is meant as written. */
function carriesFact(w: string): boolean {
  return w in UNITS || w in LANGUAGES || w in AMBIGUOUS_LANGUAGES || HUMAN_LANGUAGES.has(w) || w in POLARITY || DIRECTIONAL.has(w) || w in DATE_WORDS || w in NUMBER_WORDS;
}

/** Could `w` be a misspelling at all: letters only, two or more, not a dictionary word, not a fact word. */
function suspect(w: string): boolean {
  return w.length >= 2 && !/[^\p{L}\p{M}]/u.test(w) && !isWord(w) && !carriesFact(w);
}

/**
 * The word of `others` that `w` misspells, or null: a dictionary word, a word the other prompt also
 * has ("int" next to "in") and a word that carries a fact ("scala" is a language, not "scale")
 * misspell nothing.
 */
export function typoPartner(w: string, others: readonly string[]): string | null {
  return suspect(w) && !others.includes(w) ? partnerOf(w, others) : null;
}

// QWERTY neighbours: a substitution of a key next to the intended one is the commonest typing slip.
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NEAR = new Map<string, string>();
for (let r = 0; r < ROWS.length; r++) {
  for (let i = 0; i < ROWS[r].length; i++) {
    const around = [ROWS[r][i - 1], ROWS[r][i + 1], ROWS[r - 1]?.[i], ROWS[r - 1]?.[i + 1], ROWS[r + 1]?.[i], ROWS[r + 1]?.[i - 1]];
    NEAR.set(ROWS[r][i], around.filter(Boolean).join(''));
  }
}

/** "nzme" / "name", "tdxt" / "text": one letter replaced by a key next to it, in a non-word of 4+
 *  letters, the other a dictionary word ("gpu" / "cpu" are not neighbours, and 3-letter words are
 *  mostly abbreviations). */
function neighbourSlip(w: string, u: string): boolean {
  if (w.length !== u.length || w.length < 4 || !isWord(u)) return false;
  let at = -1;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === u[i]) continue;
    if (at >= 0) return false;
    at = i;
  }
  return at >= 0 && (NEAR.get(u[at])?.includes(w[at]) ?? false);
}

/** `named`: `w` is written as a name or an acronym ("Tim", "CPI"): a neighbouring key is not enough. */
function partnerOf(w: string, others: readonly string[], named = false): string | null {
  // Content words first: "bnd" is "bond" before it is "and".
  for (const u of others) if (isTypo(w, u) || (!named && neighbourSlip(w, u))) return u;
  for (const u of others) {
    // Short function words ("hw" / "how", "fpr" / "for", "te" / "the") are under isTypo's length
    // floor. Not a one-letter word ("ii" is not "i"), not a Roman numeral, and not the word with a
    // letter appended: "int" next to "in" is an abbreviation far more often than a typo.
    if (u.length >= 2 && u.length <= 4 && STOPWORDS.has(u) && !ROMAN.test(w) && !(w.length === u.length + 1 && w.startsWith(u)) && editDistance(w, u, 1) === 1) return u;
  }
  return null;
}

const ROMAN = /^[ivxlcdm]+$/;

function matchCase(like: string, word: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase();
  return like[0] === like[0].toUpperCase() ? word[0].toUpperCase() + word.slice(1) : word;
}

// Per prompt, its words that could be misspellings (not in the dictionary, letters only, no fact
// word) and all its words as a set: the verifier respells every candidate pair of a lookup, and
// almost every word of almost every prompt is a dictionary word, so most pairs end at an empty list.
interface Spelling {
  suspects: string[];
  all: Set<string>;
  /** Suspects written as names are: capitalised inside a sentence, or with two capitals ("CPI"). */
  named: Set<string>;
}
const spellings = new Map<string, Spelling>();
const SPELLINGS_MAX = 20_000;

function spellingOf(text: string): Spelling {
  let s = spellings.get(text);
  if (!s) {
    if (spellings.size >= SPELLINGS_MAX) spellings.clear();
    // The words as typed as well as the tokeniser's: a template rewrites "what year" to "when", and
    // "what yaer" must still find "year" on the other side.
    const raw = text.toLowerCase().match(/[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu) ?? [];
    const all = new Set([...words(text), ...raw]);
    const suspects = [...all].filter(suspect);
    const named = new Set<string>();
    for (const m of text.matchAll(/(^|[.!?]\s+|\s|\S)(\p{Lu}[\p{L}\p{M}]*)/gu)) {
      const [, before, w] = m;
      const initial = before === '' || /[.!?]\s+$/.test(before);
      if ((!initial && /\s/.test(before)) || /\p{Lu}.*\p{Lu}/u.test(w)) named.add(w.toLowerCase());
    }
    s = { suspects, all, named };
    spellings.set(text, s);
  }
  return s;
}

/** `text` with each misspelling of a word of `other` written as that word (its case kept); `text` itself when there is none. */
export function respelled(text: string, other: string): string {
  const mine = spellingOf(text);
  if (mine.suspects.length === 0) return text;
  const theirs = spellingOf(other);
  const others = [...theirs.all];
  const fixes = new Map<string, string>();
  for (const w of mine.suspects) {
    if (theirs.all.has(w)) continue;
    const p = partnerOf(w, others, mine.named.has(w));
    if (!p) continue;
    if (suspect(p)) {
      // Two unknown words ("Chicago" / "Chiago": neither is in the word list): a letter dropped,
      // added or swapped is a typo, written one way on both sides (the greater is rewritten to the
      // lesser, not swapped); a letter replaced is another name ("Carlsen" / "Carlson").
      if (w.length === p.length && sortedLetters(w) !== sortedLetters(p)) continue;
      if (w < p) continue;
    }
    fixes.set(w, p);
  }
  if (fixes.size === 0) return text;
  return text.replace(/[\p{L}\p{M}]+/gu, (m) => {
    const f = fixes.get(m.toLowerCase());
    return f ? matchCase(m, f) : m;
  });
}
