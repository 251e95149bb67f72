// The hit verifier: runs on every semantic candidate above the similarity threshold and rejects
// pairs that an embedding scores as close but that ask a different question. Each check extracts a
// small set of "must agree" facts from both prompts and compares them. It errs towards rejecting:
// a rejected paraphrase costs one model call, an accepted near miss serves a wrong answer.
// Facts come from facts.ts, typo tests from typo.ts; this file holds the checks and their order.
import { canonical, GENERIC, STOPWORDS, stem, words } from '../embedding/text';
import { antonymPoles, kin, nearSynonyms, opposite } from '../embedding/wordnet';
import { contentWords, facts, gate, sortJoin, type Facts, type Gate } from './facts';
import { DIRECTIONAL, HUMAN_LANGUAGES, LANGUAGES, POLARITY, UNITS } from '../embedding/lexicon';
import { editDistance, isStopTypo, isTypo } from './typo';
import { respelled, typoPartner } from './respell';

export type VerifierCheck =
  | 'number' | 'unit' | 'negation' | 'entity' | 'quoted' | 'code_language' | 'human_language'
  | 'direction' | 'polarity' | 'date' | 'script' | 'substitution' | 'addition' | 'length';

/** Prompts with more content words than this only hit exactly: the word-level checks are
 *  quadratic and a long prompt's meaning can turn on one word that the embedding averages away. */
export const MAX_VERIFIED_WORDS = 256;

export interface Verdict {
  ok: boolean;
  /** Every content word on each side has an equal, synonym or typo partner on the other: the
   *  prompts differ only in framing, politeness, stop words or spelling. */
  lexicalMatch?: boolean;
  /** Failed check, or 'ok' with what was compared. */
  reason: string;
  check?: VerifierCheck;
  /** With `{ all: true }` (diagnosis, eval-cache --explain): every check that fails, not just the first. */
  failures?: Array<{ check: VerifierCheck; reason: string }>;
}

export { editDistance, isTypo } from './typo';

export interface VerifyOptions {
  /** Run every check and list all failures instead of stopping at the first (diagnosis only). */
  all?: boolean;
  /** The candidate's similarity under the cache's embedder. */
  similarity?: number;
  /** `Embedder.swapMinSimilarity`: at or above it, the embedder vouches for one or two swapped
   *  content words that WordNet does not mark as kin, antonyms or look-alikes (see `vouchedSwap`). */
  swapMinSimilarity?: number;
}

const sameMultiset = (a: string[], b: string[]) => sortJoin(a) === sortJoin(b);

/** `xs` without one occurrence of each element of `ys` (multiset difference). */
function multisetMinus(xs: string[], ys: string[]): string[] {
  const left = [...ys];
  return xs.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

const phrase = (t: string) => ` ${(t.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).join(' ')} `;
/** Quoted strings agree when each one without a quoted twin on the other side is there unquoted:
 *  "what does 'per se' mean" / "what does per se mean". A different quoted phrase is not. */
function quotesAgree(qa: string[], qb: string[], textA: string, textB: string): boolean {
  if (sameMultiset(qa, qb)) return true;
  const inText = (q: string, text: string) => phrase(q).trim() !== '' && phrase(text).includes(phrase(q));
  return multisetMinus(qa, qb).every((q) => inText(q, textB)) && multisetMinus(qb, qa).every((q) => inText(q, textA));
}

/** Is there a swapped pair of shared terms with an ordering word between them in `a`? */
function reversed(a: Facts, b: Facts): string | null {
  const salient = (t: string) => /^\p{N}/u.test(t) || a.entities.has(t) || !!UNITS[t] || !!LANGUAGES[t] || HUMAN_LANGUAGES.has(t);
  const pos = (f: Facts) => {
    const m = new Map<string, number>();
    // By canonical form: "integer to string" / "string into int" swap the same two terms.
    f.tokens.forEach((t, i) => {
      if (STOPWORDS.has(t) || DIRECTIONAL.has(t)) return;
      const c = /^\p{N}/u.test(t) ? t : canonical(t);
      if (!m.has(c)) m.set(c, i);
    });
    return m;
  };
  const pa = pos(a);
  const pb = pos(b);
  const shared = [...pa.keys()].filter((t) => pb.has(t));
  const strong = new Set(['than', 'to', 'into', 'from', 'vs', 'versus', 'over', 'against', 'beat', 'beats', 'before', 'after', '->', '→']);
  for (let i = 0; i < shared.length; i++) {
    for (let j = i + 1; j < shared.length; j++) {
      const [x, y] = [shared[i], shared[j]];
      if (Math.sign(pa.get(x)! - pa.get(y)!) === Math.sign(pb.get(x)! - pb.get(y)!)) continue;
      const [lo, hi] = [Math.min(pa.get(x)!, pa.get(y)!), Math.max(pa.get(x)!, pa.get(y)!)];
      const between = a.tokens.slice(lo + 1, hi).filter((t) => DIRECTIONAL.has(t));
      if (between.some((t) => strong.has(t)) || (between.length > 0 && salient(x) && salient(y))) return `"${x}" and "${y}" swap around "${between[0]}"`;
    }
  }
  return null;
}

/** The polarity words differ only because one side misspelt them ("delete" / "delet"). */
function misspeltPolarity(a: Facts, b: Facts): boolean {
  const unmatched = (x: Facts, y: Facts) => x.polarityWords.filter((w) => !y.polarityWords.includes(w));
  const explained = (x: Facts, y: Facts) => unmatched(x, y).every((w) => y.tokens.some((t) => !y.polarityWords.includes(t) && isTypo(w, t)));
  return explained(a, b) && explained(b, a);
}

/** Is `b` `a` with one contiguous block moved ("for a soft yolk, how long ..." / "how long ... for a
 *  soft yolk")? A clause moved as a whole keeps its meaning; a role swap does not. */
function blockMoved(a: string[], b: string[]): boolean {
  const n = a.length;
  const target = b.join(' ');
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j <= n; j++) {
      const block = a.slice(i, j);
      const rest = [...a.slice(0, i), ...a.slice(j)];
      for (let k = 0; k <= rest.length; k++) if ([...rest.slice(0, k), ...block, ...rest.slice(k)].join(' ') === target) return true;
    }
  }
  return false;
}

/** Same content words, two of them swapped across another content word: "cats chase dogs". */
function permuted(a: Facts, b: Facts): string | null {
  const ca = a.content.map((c) => c.canon);
  const cb = b.content.map((c) => c.canon);
  if (ca.length !== cb.length || ca.join(' ') === cb.join(' ') || sortJoin(ca) !== sortJoin(cb)) return null;
  if (ca.length <= 24 && blockMoved(ca, cb)) return null;
  for (let i = 0; i < ca.length; i++) {
    for (let j = i + 2; j < ca.length; j++) {
      const bi = cb.indexOf(ca[i]);
      const bj = cb.indexOf(ca[j]);
      if (bi > bj && Math.abs(bi - bj) >= 2) return `"${ca[i]}" and "${ca[j]}" swap around "${ca[i + 1]}"`;
    }
  }
  return null;
}

/** WordNet relates `t` to `u`, and `u` is itself a word the other side lacks: a word already
 *  matched exactly cannot also stand in for another ("fix a broken zipper" / "fix a broken button":
 *  "zipper" is a kind of fastening = "fix", but "fix" is on both sides). */
function related(t: { raw: string; canon: string }, u: { raw: string; canon: string }, ownCanon: Set<string>): boolean {
  return !ownCanon.has(u.canon) && nearSynonyms(stem(t.raw), stem(u.raw));
}

/** Content words present on one side only that are not typos of a word on the other side. */
function novel(a: Facts, b: Facts): string[] {
  const canonB = new Set(b.content.map((c) => c.canon));
  const canonA = new Set(a.content.map((c) => c.canon));
  const out = new Set<string>();
  for (const t of a.content) {
    if (canonB.has(t.canon)) continue;
    if (b.content.some((u) => isTypo(t.raw, u.raw) || isTypo(t.canon, u.canon) || related(t, u, canonA))) continue;
    // (its content words were tried just above)
    if (typoPartner(t.raw, b.functionWords)) continue;
    out.add(t.canon);
  }
  return [...out];
}

/**
 * Degree words on one side only, where the other side says the same thing with other words ("get
 * better at chess" / "improve at chess", "stop my dog barking" / "keep my dog from barking", "spend
 * less" / "save money"): with a sentence embedder at or above its swap minimum, such a one-sided
 * degree word is left to the word-level checks, which see it as a swapped word (and refuse kin,
 * antonyms, look-alikes and same-slot replacements, see `vouchedSwap`). Not when both sides carry
 * degree words that differ ("cheapest" / "quickest", "most" / "least"), and not when the other side
 * has no word of its own (an added qualifier: "invest money" / "invest money safely").
 */
function vouchedOneSidedPolarity(a: Facts, b: Facts, opts: VerifyOptions): boolean {
  if (opts.swapMinSimilarity === undefined || (opts.similarity ?? 0) < opts.swapMinSimilarity) return false;
  const onlyA = multisetMinus(a.polarity, b.polarity);
  const onlyB = multisetMinus(b.polarity, a.polarity);
  if (onlyA.length > 0 && onlyB.length > 0) return false;
  // The side without the extra degree word must bring a content word of its own.
  const [, other, own] = onlyA.length > 0 ? [a, b, a] : [b, a, b];
  return novel(other, own).length > 0;
}

/**
 * May a sentence embedder's high similarity vouch for a substitution ("signs"/"symptoms", "origin of
 * the word" / "where does the word come from")? Not when any swapped pair is a classic near miss
 * that such a model also scores high because the context is shared: WordNet kin ("dog"/"cat",
 * "carbon"/"nitrogen", "salmon"/"fish"), antonyms, or look-alike words ("flu"/"flue",
 * "form"/"from", "gold"/"golf": two edits or fewer). The lexical embedder never sets a minimum:
 * its cosine counts shared words and knows nothing about the swapped ones.
 */
function vouchedSwap(a: Facts, b: Facts, onlyA: string[], onlyB: string[]): boolean {
  // Programming questions share templates ("How to split a string in Java?" / "How to get the length
  // of a string in Java?", cosine 0.94 under use-lite): the swapped operation is the whole question.
  if (a.codeLangs.length > 0 || b.codeLangs.length > 0) return false;
  const forms = (f: Facts, only: string[]) => {
    const out = new Set(only);
    for (const c of f.content) if (only.includes(c.canon)) {
      out.add(c.raw);
      out.add(stem(c.raw));
    }
    return [...out];
  };
  // A replacement in the same slot of an otherwise identical sequence of content words is a
  // substitution, the classic near miss ("symptoms of a cold" / "causes of a cold", "plant" /
  // "prune tomatoes": cosine 0.91 under use-lite); a paraphrase rewords around it ("the origin of
  // the word salary" / "where does the word salary come from").
  const slots = (f: Facts, only: string[]) =>
    f.content.map((c) => (only.includes(c.canon) ? '_' : c.canon)).filter((t, i, xs) => t !== '_' || xs[i - 1] !== '_').join(' ');
  if (slots(a, onlyA) === slots(b, onlyB)) return false;
  const wa = forms(a, onlyA);
  const wb = forms(b, onlyB);
  // Actions on the change axis ("buy"/"rent", "add"/"drop") are what the question asks to do:
  // WordNet's kin table leaves them out (they are the verifier's own words), so never vouch for them.
  const action = (w: string) => (POLARITY[w] ?? POLARITY[stem(w)] ?? '').startsWith('change');
  if (wa.some(action) || wb.some(action)) return false;
  return wa.every((x) => wb.every((y) => !kin(x, y) && !opposite(x, y) && editDistance(x, y, 2) > 2));
}

/**
 * Cheap necessary condition for the verifier's lexical match (every content word on each side has
 * an equal, synonym or typo partner on the other): a candidate below the similarity threshold can
 * only be accepted that way, so the cache checks this (tokens only, no fact extraction) first.
 */
export function sameContentWords(storedPrompt: string, newPrompt: string): boolean {
  const a = contentWords(storedPrompt);
  const b = contentWords(newPrompt);
  if (a.words.length === 0 || b.words.length === 0) return false;
  const covered = (x: typeof a, y: typeof a) =>
    // A misspelt stop word ("teh") does not break a lexical match either (see verifyPair).
    x.words.every((t) => y.canons.has(t.canon) || y.words.some((u) => isTypo(t.raw, u.raw) || isTypo(t.canon, u.canon) || related(t, u, x.canons)) || isStopTypo(t.canon) || typoPartner(t.raw, y.functionWords) !== null);
  return covered(a, b) && covered(b, a);
}

const tooLong = (a: Gate, b: Gate) => a.contentWords > MAX_VERIFIED_WORDS || b.contentWords > MAX_VERIFIED_WORDS;

/**
 * The verifier's first three checks alone — length, script/language, numbers, in verifyPair's order —
 * from the prompts' gates (facts.ts), without extracting their other facts: the check verifyPair
 * would reject the pair with when it is one of these three, else null (then only verifyPair can
 * decide). The cache runs it before verifyPair: on templated traffic ("… (request 1234)") every
 * candidate differs in a number, and the new prompt's full facts are then never extracted.
 */
export function earlyRejection(storedPrompt: string, newPrompt: string): VerifierCheck | null {
  let a = gate(storedPrompt);
  let b = gate(newPrompt);
  if (tooLong(a, b)) return 'length';
  if (a.scripts === b.scripts && a.numbersKey === b.numbersKey) return null;
  // verifyPair reads the gates after respelling: misspelt words may have made a prompt look foreign,
  // or hidden a number word ("frist", "secnod").
  const lang = (g: Gate) => g.scripts.slice(g.scripts.indexOf(':'));
  // A misspelling can only become a number word the other side has, or a neighbour of a lone 2 / 4.
  const misspellable = a.misspellable || b.misspellable;
  const numbersMayChange = misspellable && a.numbersKey !== b.numbersKey && (a.softNumbers || b.softNumbers);
  const guessMayChange = misspellable && a.scripts !== b.scripts && lang(a) !== lang(b);
  if (numbersMayChange || guessMayChange) {
    a = gate(respelled(storedPrompt, newPrompt));
    b = gate(respelled(newPrompt, storedPrompt));
  }
  if (a.scripts !== b.scripts) return 'script';
  return a.numbersKey !== b.numbersKey ? 'number' : null;
}

export function verifyPair(storedPrompt: string, newPrompt: string, opts: VerifyOptions = {}): Verdict {
  // Misspellings of the other side's words are compared as those words (respell.ts).
  const stored = respelled(storedPrompt, newPrompt);
  const asked = respelled(newPrompt, storedPrompt);
  const a = facts(stored);
  const b = facts(asked);
  const failures: Array<{ check: VerifierCheck; reason: string }> = [];
  // Records a failed check; true when the verdict is final (always, unless every check is wanted).
  const fail = (check: VerifierCheck, reason: string): boolean => {
    failures.push({ check, reason: `${check}: ${reason}` });
    return !opts.all;
  };
  const rejected = (): Verdict => ({ ok: false, ...failures[0], ...(opts.all ? { failures } : {}) });
  // The first three checks read only the gates (earlyRejection runs the same three).
  if (tooLong(a.gate, b.gate)) {
    fail('length', `more than ${MAX_VERIFIED_WORDS} content words: exact hits only`);
    return rejected();
  }
  if (a.gate.scripts !== b.gate.scripts && fail('script', `${a.scripts} vs ${b.scripts}`)) return rejected();
  if (a.gate.numbersKey !== b.gate.numbersKey && fail('number', `[${a.numbers}] vs [${b.numbers}]`)) return rejected();
  if (sortJoin(new Set(a.units)) !== sortJoin(new Set(b.units)) && fail('unit', `[${a.units}] vs [${b.units}]`)) return rejected();
  if (a.negations !== b.negations && fail('negation', `${a.negations} vs ${b.negations} negations`)) return rejected();
  if (!quotesAgree(a.quoted, b.quoted, stored, asked) && fail('quoted', 'quoted strings differ')) return rejected();
  if (sortJoin(a.codeLangs) !== sortJoin(b.codeLangs) && fail('code_language', `[${a.codeLangs}] vs [${b.codeLangs}]`)) return rejected();
  if (sortJoin(a.humanLangs) !== sortJoin(b.humanLangs) && fail('human_language', `[${a.humanLangs}] vs [${b.humanLangs}]`)) return rejected();
  if (sortJoin(a.dates) !== sortJoin(b.dates) && fail('date', `[${a.dates}] vs [${b.dates}]`)) return rejected();
  if (!sameMultiset(a.polarity, b.polarity) && !misspeltPolarity(a, b) && !vouchedOneSidedPolarity(a, b, opts) && fail('polarity', `[${a.polarity}] vs [${b.polarity}]`)) return rejected();
  for (const [x, y] of [[a, b], [b, a]] as const) {
    for (const [root, word] of x.prefixed) {
      if (y.tokens.includes(root) && !y.tokens.includes(word) && fail('negation', `"${word}" vs "${root}"`)) return rejected();
    }
  }
  // WordNet antonyms, direct or through similar adjectives ("huge" vs "tiny", "accept" vs "reject"):
  // an axis on which the two prompts take different sides is a different question.
  const axes = (f: Facts) => {
    const m = new Map<string, string>();
    for (const c of f.content) {
      for (const p of antonymPoles(c.raw) ?? antonymPoles(stem(c.raw)) ?? []) {
        const id = p.slice(0, -1);
        m.set(id, (m.get(id) ?? '') + p.slice(-1));
      }
    }
    return m;
  };
  const axA = axes(a);
  const axB = axes(b);
  for (const [id, signs] of axA) {
    const other = axB.get(id);
    if (other === undefined) continue;
    const norm = (x: string) => [...new Set(x)].sort().join('');
    if (norm(signs) !== norm(other) && fail('polarity', `antonyms (WordNet axis ${id})`)) return rejected();
  }
  // A name on one side must appear (in any case) on the other: "France" vs "Germany".
  const bWords = new Set(b.tokens);
  const aWords = new Set(a.tokens);
  const present = (e: string, ws: Set<string>) => words(e).every((w) => ws.has(w) || [...ws].some((x) => x.length >= 5 && isTypo(w, x) && w.length === x.length));
  const missingA = [...a.entities].find((e) => !present(e, bWords));
  if (missingA && fail('entity', `"${missingA}" only in the stored prompt`)) return rejected();
  const missingB = [...b.entities].find((e) => !present(e, aWords));
  if (missingB && fail('entity', `"${missingB}" only in the new prompt`)) return rejected();
  const rev = reversed(a, b) ?? permuted(a, b);
  if (rev && fail('direction', rev)) return rejected();
  // One content word swapped for an unrelated one ("dogs" -> "cats") with everything else equal
  // is the classic near miss; a paraphrase changes several words or uses a known synonym.
  const onlyA = novel(a, b);
  const onlyB = novel(b, a);
  if (onlyA.length >= 1 && onlyB.length >= 1 && onlyA.length <= 2 && onlyB.length <= 2) {
    const canonB = new Set(b.content.map((c) => c.canon));
    const shared = new Set(a.content.map((c) => c.canon).filter((t) => canonB.has(t))).size;
    const vouched = opts.swapMinSimilarity !== undefined && (opts.similarity ?? 0) >= opts.swapMinSimilarity && vouchedSwap(a, b, onlyA, onlyB);
    if (shared >= onlyA.length && !vouched && fail('substitution', `"${onlyA.join(' ')}" replaced by "${onlyB.join(' ')}"`)) return rejected();
  }
  // A qualifier on one side only ("safe for OLD dogs", "EARLY symptoms", "invest SAFELY") narrows
  // the question. Generic paraphrase words and misspelt stop words ("teh") do not count.
  const added = (only: string[]) => only.filter((w) => !GENERIC.has(w) && !isStopTypo(w));
  if (onlyA.length === 0 || onlyB.length === 0) {
    const extra = [...added(onlyA), ...added(onlyB)];
    if (extra.length > 0 && fail('addition', `"${extra.join(' ')}" only on one side`)) return rejected();
  }
  // A misspelt stop word ("teh") does not break a lexical match. Generic words ("purpose", "role")
  // do: accepting them below the threshold was measured (+0.02-0.04 paraphrase recall) but admits
  // "What is the role of the liver?" for "What is the liver?".
  const stray = (only: string[]) => only.filter((w) => !isStopTypo(w));
  if (failures.length > 0) return rejected();
  const lexicalMatch = stray(onlyA).length === 0 && stray(onlyB).length === 0 && a.content.length > 0;
  return { ok: true, lexicalMatch, reason: `ok${lexicalMatch ? ' (same content words)' : ''}: numbers, units, negation, names, quotes, languages, direction, degree and dates agree` };
}
