// WordNet knowledge for the local embedder and the hit verifier, read from the committed table built
// by ./build-table.ts (WordNet 3.1, Princeton University; license in data/licenses/WordNet.LICENSE).
// Loaded once, lazily (or by `preloadWordNet()` at cache start); ~0.5 MB of JSON, nothing downloaded.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Table {
  fold: Map<string, string>;
  near: Map<string, number[]>;
  poles: Map<string, string[]>;
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
  const raw = JSON.parse(readFileSync(tablePath(), 'utf8')) as { fold: Record<string, string>; near: Record<string, number[]>; poles: Record<string, string[]> };
  return { fold: new Map(Object.entries(raw.fold)), near: new Map(Object.entries(raw.near)), poles: new Map(Object.entries(raw.poles)) };
}

export function preloadWordNet(): void {
  table ??= load();
}

/** The representative of a word's dominant-sense synonym class ("automobile" -> "car"), or the word. */
export function wordnetFold(w: string): string {
  table ??= load();
  return table.fold.get(w) ?? w;
}

/** Antonym axes of a word, each "<axis><sign>" ("large" and "small" share an axis with opposite signs). */
export function antonymPoles(w: string): readonly string[] | undefined {
  table ??= load();
  return table.poles.get(w);
}

/** Do two (base-form) words share a synset among each one's first two senses? ("leak"/"escape").
 *  Weaker than the fold: for pairing words up in the verifier, never for merging them. */
export function nearSynonyms(a: string, b: string): boolean {
  if (a === b) return true;
  table ??= load();
  const x = table.near.get(a);
  const y = x && table.near.get(b);
  return !!y && x.some((id) => y.includes(id)) && !opposite(a, b);
}

/** Are the two words on opposite poles of one antonym axis ("large"/"small", "huge"/"tiny")? */
export function opposite(a: string, b: string): boolean {
  table ??= load();
  const pa = table.poles.get(a);
  const pb = pa && table.poles.get(b);
  if (!pb) return false;
  return pa.some((p) => pb.includes(p.slice(0, -1) + (p.endsWith('+') ? '-' : '+')));
}
