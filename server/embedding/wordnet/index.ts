// WordNet knowledge for the local embedder and the hit verifier, read from the committed table built
// by ./build-table.ts (WordNet 3.1, Princeton University; license in data/licenses/WordNet.LICENSE).
// Loaded once, lazily (or by `preloadWordNet()` at cache start); nothing is downloaded. The table is
// plain objects of strings (no Maps or arrays built at load): id lists are split only when looked up.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Table {
  /** word -> representative of its dominant-sense synonym class */
  fold: Record<string, string>;
  /** word -> its first senses' synset ids (base 36, space-separated) */
  near: Record<string, string>;
  /** word -> verb hypernyms / adjective heads and see-also / derivations of those senses */
  up: Record<string, string>;
  /** word -> antonym axes "<axis><sign>" */
  poles: Record<string, string>;
}

let table: Table | null = null;

/** Next to this module; from the project root when a bundler moved the module elsewhere. */
function tablePath(): string {
  try {
    const here = join(dirname(fileURLToPath(import.meta.url)), 'table.json');
    if (existsSync(here)) return here;
  } catch {
    // import.meta.url is not a file URL: fall through.
  }
  return join(process.cwd(), 'server', 'embedding', 'wordnet', 'table.json');
}

function load(): Table {
  return JSON.parse(readFileSync(tablePath(), 'utf8')) as Table;
}

const get = (r: Record<string, string>, w: string): string | undefined => (Object.hasOwn(r, w) ? r[w] : undefined);
// Split id lists of recently used words: the verifier asks about the same words again and again.
const split = new Map<string, string[]>();
const ids = (r: Record<string, string>, w: string): string[] | undefined => {
  const s = get(r, w);
  if (s === undefined) return undefined;
  let out = split.get(s);
  if (!out) {
    if (split.size >= 50_000) split.clear();
    out = s.split(' ');
    split.set(s, out);
  }
  return out;
};

export function preloadWordNet(): void {
  table ??= load();
}

/** The representative of a word's dominant-sense synonym class ("automobile" -> "car"), or the word. */
export function wordnetFold(w: string): string {
  table ??= load();
  return get(table.fold, w) ?? w;
}

/** Antonym axes of a word, each "<axis><sign>" ("large" and "small" share an axis with opposite signs). */
export function antonymPoles(w: string): readonly string[] | undefined {
  table ??= load();
  return ids(table.poles, w);
}

/** Are two (base-form) words related closely enough to pair up in the verifier: a shared synset
 *  among their first senses, or a verb's direct hypernym ("wash"/"clean"), an adjective's head or
 *  see-also, a derivation ("hurt"/"pain")? Siblings ("buy"/"rent") and antonyms are not. Weaker
 *  than the fold: for pairing words up in the verifier, never for merging them. */
export function nearSynonyms(a: string, b: string): boolean {
  if (a === b) return true;
  table ??= load();
  const na = ids(table.near, a);
  const nb = na && ids(table.near, b);
  if (!nb) return false;
  const meets = (x: string[] | undefined, y: string[] | undefined) => !!x && !!y && x.some((id) => y.includes(id));
  return (meets(na, nb) || meets(na, ids(table.up, b)) || meets(ids(table.up, a), nb)) && !opposite(a, b);
}

/** Are the two words on opposite poles of one antonym axis ("large"/"small", "huge"/"tiny")? */
export function opposite(a: string, b: string): boolean {
  table ??= load();
  const pa = ids(table.poles, a);
  const pb = pa && ids(table.poles, b);
  if (!pb) return false;
  return pa.some((p) => pb.includes(p.slice(0, -1) + (p.endsWith('+') ? '-' : '+')));
}

// Taxonomic kin (kin.json, built with table.json): loaded on first use only, by the verifier's
// semantic-swap rule, which runs only for embedders that set `Embedder.swapMinSimilarity`.
let kinTable: Record<string, string> | null = null;
const kinSplit = new Map<string, [string[], string[]]>();
function kinOf(w: string): [string[], string[]] | undefined {
  kinTable ??= (JSON.parse(readFileSync(join(dirname(tablePath()), 'kin.json'), 'utf8')) as { kin: Record<string, string> }).kin;
  const s = get(kinTable, w);
  if (s === undefined) return undefined;
  let out = kinSplit.get(w);
  if (!out) {
    if (kinSplit.size >= 50_000) kinSplit.clear();
    const [own, up] = s.split('|');
    out = [own ? own.split(' ') : [], up ? up.split(' ') : []];
    kinSplit.set(w, out);
  }
  return out;
}

/** Are two (base-form) nouns or verbs taxonomic kin: siblings or cousins under a hypernym within three
 *  levels ("dog"/"cat", "carbon"/"nitrogen", "coffee"/"tea"), or one a hypernym of the other within
 *  three levels ("salmon"/"fish")? Such a swap keeps the context (a sentence embedder scores it high)
 *  and changes the question. */
export function kin(a: string, b: string): boolean {
  if (a === b) return false;
  const ka = kinOf(a);
  const kb = ka && kinOf(b);
  if (!kb) return false;
  const meets = (x: string[], y: string[]) => x.some((id) => y.includes(id));
  return meets(ka[1], kb[1]) || meets(ka[1], kb[0]) || meets(kb[1], ka[0]);
}
