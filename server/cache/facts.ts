// The "must agree" facts of one prompt that the hit verifier compares (numbers, units, negations,
// names, quotes, languages, degree words, dates, script, content words), extracted once per prompt
// and memoised: a lookup verifies one new prompt against up to k stored ones.
import { isWord } from '../embedding/dictionary';
import { canonical, NEGATIONS, stem, STOPWORDS, words } from '../embedding/text';
import { cleanUnicode } from './normalize';
import { AMBIGUOUS_LANGUAGES, DATE_WORDS, HUMAN_LANGUAGES, LANGUAGES, NOT_NAMES, NUMBER_WORDS, POLARITY, UNITS } from '../embedding/lexicon';
import { isTypo } from './typo';
import { trimEndChars } from '../lib/linear-text';

export type ContentWord = { raw: string; canon: string };

/** A prompt's tokens as content words (with their canonical forms) and the rest. */
function splitTokens(tokens: string[]): Pick<Facts, 'content' | 'functionWords'> {
  return { content: tokens.filter(isContent).map((raw) => ({ raw, canon: canonical(raw) })), functionWords: tokens.filter((t) => !isContent(t)) };
}

export interface Facts {
  tokens: string[]; // lower-case word tokens in order
  numbers: string[];
  units: string[];
  negations: number;
  entities: Set<string>;
  quoted: string[];
  codeLangs: string[];
  humanLangs: string[];
  polarity: string[];
  polarityWords: string[];
  dates: string[];
  scripts: string;
  prefixed: Map<string, string>;
  content: ContentWord[]; // content tokens, raw and canonical
  /** The other tokens (stop and generic words): what a misspelt word may also stand for. */
  functionWords: string[];
  /** The facts of the verifier's first three checks, compared as strings (see `Gate`). */
  gate: Gate;
}

/**
 * The facts behind the verifier's first three checks — length (content words), script/language,
 * numbers — computed without the rest of `Facts` (no names, units, degree words, canonical forms):
 * on templated traffic ("… (request 1234)") nearly every candidate fails the number check, and this
 * is all that takes. `extract` builds its own fields from the same function, so the two agree.
 */
export interface Gate {
  contentWords: number;
  scripts: string;
  numbers: string[];
  /** sortJoin(numbers): the number check compares multisets. */
  numbersKey: string;
  /** Numbers that respelling the other side could change: a number word, or a lone 2 or 4 ("how 2"). */
  softNumbers: boolean;
  /** Has a word that respelling may rewrite (respell.ts `suspect`): else the gates are final. */
  misspellable: boolean;
}

/** Inflected forms of the framing verbs in STOPWORDS ("go", "get", "say", "give", "show", "know",
 *  "want", "need", "help", "let") that the suffix stripper does not reduce: "has the egg gone bad" /
 *  "is the egg bad". Dropped from the verifier's content words like their base forms. */
const FRAMING_FORMS = new Set('gone goes went gets getting gotten says gives given giving shows showing shown knows known wants needs helps lets'.split(' '));
const isContent = (t: string) => !STOPWORDS.has(t) && !FRAMING_FORMS.has(t);

const LANGUAGE_NAMES = Object.keys(LANGUAGES).filter((n) => n.length >= 5);
/** A misspelt language name ("pyhton", "javscript"): only unknown words of a similar length are
 *  compared, and only with names sharing their first or last letter (cheap, and typos rarely hit both). */
function misspeltLanguage(t: string): string | undefined {
  if (t.length < 5 || isWord(t)) return undefined;
  return LANGUAGE_NAMES.find((n) => Math.abs(n.length - t.length) <= 1 && (n[0] === t[0] || n[n.length - 1] === t[t.length - 1]) && isTypo(t, n));
}
export const sortJoin = (xs: Iterable<string>) => [...xs].sort().join('|');

function parseNumber(tok: string): string | null {
  if (!/^\p{N}/u.test(tok)) return null;
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(tok) ? tok.replace(/,/g, '') : tok.replace(/,/g, '.');
  const n = Number(plain);
  return Number.isFinite(n) ? String(n) : tok;
}

function scriptsOf(text: string): string {
  // Fast path: plain ASCII is Latin (or no letters at all); the per-character regexes are slow.
  if (/^[\x00-\x7f]*$/.test(text)) return /[a-z]/i.test(text) ? 'latin' : '';
  const s = new Set<string>();
  for (const ch of text) {
    if (/\p{Script=Latin}/u.test(ch)) s.add('latin');
    else if (/\p{Script=Cyrillic}/u.test(ch)) s.add('cyrillic');
    else if (/\p{Script=Greek}/u.test(ch)) s.add('greek');
    else if (/\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/u.test(ch)) s.add('cjk');
    else if (/\p{Script=Hangul}/u.test(ch)) s.add('hangul');
    else if (/\p{Script=Arabic}|\p{Script=Hebrew}/u.test(ch)) s.add('rtl');
    else if (/\p{Script=Devanagari}|\p{Script=Thai}/u.test(ch)) s.add('indic');
  }
  return sortJoin(s);
}

// Frequent function words of other languages: a prompt written in French and one written in
// English are different requests even when the embedder maps them close.
const FOREIGN = /\b(le|la|les|des|est|quel|quelle|comment|pourquoi|el|los|las|qué|cómo|cuál|es|der|die|das|ist|wie|was|warum|il|che|come|qual|é|o|de|da|do|een|het|wat|och|är|hur)\b/g;
function foreignWeight(lower: string): number {
  return (lower.match(FOREIGN) ?? []).length;
}

function gateOf(text: string, lower: string, tokens: string[]): Gate {
  const numbers: string[] = [];
  let contentWords = 0;
  let softNumbers = /(?:^|\s)[24](?=\s|$)/.test(lower);
  for (const t of tokens) {
    const num = parseNumber(t);
    if (num !== null) numbers.push(num);
    else if (NUMBER_WORDS[t]) {
      numbers.push(NUMBER_WORDS[t]);
      softNumbers = true;
    }
    if (isContent(t)) contentWords++;
  }
  const foreign = foreignWeight(lower);
  const langGuess = foreign >= 2 && foreign * 4 >= tokens.length ? 'foreign' : 'en';
  // The words as typed and as tokenised, like respell.ts (a superset of its suspects: safe).
  const unknown = (t: string) => t.length >= 2 && !/[^\p{L}\p{M}]/u.test(t) && !isWord(t);
  const misspellable = tokens.some(unknown) || (lower.match(/[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu) ?? []).some(unknown);
  return { contentWords, scripts: `${scriptsOf(text)}:${langGuess}`, numbers, numbersKey: sortJoin(numbers), softNumbers, misspellable };
}

function extract(raw: string): Facts {
  const text = cleanUnicode(raw);
  const lower = text.toLowerCase();
  const tokens = words(text);
  const gate = gateOf(text, lower, tokens);
  const units: string[] = [];
  const codeLangs: string[] = [];
  const humanLangs: string[] = [];
  const polarity: string[] = [];
  const polarityWords: string[] = [];
  const dates: string[] = [];
  let negations = 0;
  for (const t of tokens) {
    // "5km": digits glued to a unit.
    const glued = /^\p{N}+(?:[.,]\p{N}+)*([a-z]+)$/u.exec(t);
    if (glued && UNITS[glued[1]]) units.push(UNITS[glued[1]]);
    if (UNITS[t] && t !== 'in' && t !== 'm' && t !== 'g' && t !== 'l') units.push(UNITS[t]);
    if (NEGATIONS.has(t)) negations++;
    const lang = LANGUAGES[t] ?? misspeltLanguage(t);
    if (lang) codeLangs.push(LANGUAGES[lang] ?? lang);
    if (HUMAN_LANGUAGES.has(t)) humanLangs.push(t);
    // By stem too: "safely" is "safe", "lowering" is "lower".
    // And by canonical form, so a synonym of a degree word carries its degree ("begin" is "start").
    const pol = POLARITY[t] ?? POLARITY[stem(t)] ?? (STOPWORDS.has(t) ? undefined : POLARITY[canonical(t)]);
    if (pol) {
      polarity.push(pol);
      polarityWords.push(t);
    }
    if (DATE_WORDS[t]) dates.push(DATE_WORDS[t]);
  }
  for (const sym of ['$', '€', '£', '¥', '%', '°c', '°f']) if (lower.includes(sym)) units.push(UNITS[sym]);
  // Words with a negating prefix, by root: "unsafe" vs "safe", "disallow" vs "allow".
  const prefixed = new Map<string, string>();
  for (const m of lower.matchAll(/\b(?:un|im|in|dis|non-?|il|ir)([a-z]{3,})\b/g)) prefixed.set(m[1], m[0]);
  // Ambiguous language names only count when capitalised ("Go", "C", "R") or spelled "c language".
  for (const m of text.matchAll(/\b(Go|C|R|Swift)\b(?!['’]s\b)/g)) codeLangs.push(AMBIGUOUS_LANGUAGES[m[1].toLowerCase()]);
  for (const m of lower.matchAll(/\b(go|c|r|swift)\s+(?:language|lang|code|program|programming)\b/g)) codeLangs.push(AMBIGUOUS_LANGUAGES[m[1]]);
  // A single quote opens and closes only at a word's edge: the apostrophes of "I'd … don't" are not a quotation.
  const quoted = [...text.matchAll(/"([^"]{1,500})"|(?<![\p{L}\p{N}])'([^'\s][^']{0,498}[^'\s])'(?![\p{L}\p{N}])|`([^`]{1,500})`/gu)].map((m) => (m[1] ?? m[2] ?? m[3]).trim());
  // Emoji are courtesy ("thanks 🙏") unless the prompt asks about them: then each is compared like a quote.
  if (/\b(?:emojis?|emoticons?|smileys?|symbols?|icons?|reactions?)\b/.test(lower)) quoted.push(...(text.match(/\p{Extended_Pictographic}/gu) ?? []));
  return {
    tokens,
    numbers: gate.numbers,
    units,
    negations,
    entities: spokenEntities(entitiesOf(text), tokens),
    quoted,
    prefixed,
    codeLangs: [...new Set(codeLangs)],
    humanLangs: [...new Set(humanLangs)],
    polarity,
    polarityWords,
    dates: [...new Set(dates)],
    scripts: gate.scripts,
    ...splitTokens(tokens),
    gate,
  };
}

/** Capitalised words that are not sentence-initial: names, places, products. A sentence-initial
 *  word counts only when written in capitals ("NASA"): "Quick question" or "Sorting ..." are not names. */
function entitiesOf(text: string): Set<string> {
  const out = new Set<string>();
  // An all-caps prompt ("WHAT IS THE CAPITAL OF FRANCE") says nothing about names.
  if (text === text.toUpperCase()) return out;
  for (const m of text.matchAll(/(^|[.!?:]\s+|\s|["'(\[])(\p{Lu}[\p{L}\p{N}&.+#-]*)/gu)) {
    const w = trimEndChars(m[2], '.-');
    const lower = w.toLowerCase();
    const initial = m[1] === '' || /[.!?:]/.test(m[1]);
    if (NOT_NAMES.has(lower) || w.length < 2) continue;
    if (initial && w !== w.toUpperCase()) continue;
    out.add(lower);
  }
  return out;
}

/** Names that are part of what is asked: a signature ("Thanks, Maria"), a salutation ("Dear Sir")
 *  or a shouted courtesy ("THANK YOU IN ADVANCE") is gone from the tokens, and so from the names. */
function spokenEntities(entities: Set<string>, tokens: string[]): Set<string> {
  const have = new Set(tokens);
  for (const e of entities) if (!words(e).every((w) => have.has(w))) entities.delete(e);
  return entities;
}

// Facts of recently seen prompts: a lookup verifies one new prompt against up to k stored ones,
// and hot stored prompts are verified again and again. Bounded; cleared wholesale when full.
const memo = new Map<string, Facts>();
const MEMO_MAX = 20_000;
export function facts(text: string): Facts {
  let f = memo.get(text);
  if (!f) {
    if (memo.size >= MEMO_MAX) memo.clear();
    f = extract(text);
    memo.set(text, f);
  }
  return f;
}

// Gates of prompts whose full facts were not needed (most candidates of templated traffic).
const gateMemo = new Map<string, Gate>();
/** `facts(text).gate`, without extracting the rest when the facts are not memoised. */
export function gate(text: string): Gate {
  const f = memo.get(text);
  if (f) return f.gate;
  let g = gateMemo.get(text);
  if (!g) {
    if (gateMemo.size >= MEMO_MAX) gateMemo.clear();
    const clean = cleanUnicode(text);
    g = gateOf(clean, clean.toLowerCase(), words(clean));
    gateMemo.set(text, g);
  }
  return g;
}


// Content words of prompts whose full facts were not needed: a miss compares the new prompt with
// each of up to k candidates, which tokenised the new prompt k times.
const contentMemo = new Map<string, ContentWords>();

export interface ContentWords {
  words: ContentWord[];
  canons: Set<string>;
  /** The other tokens (stop and generic words): a misspelling may be of one. */
  functionWords: string[];
}

/** The content words of `text`, the set of their canonical forms and its other words, memoised. */
export function contentWords(text: string): ContentWords {
  let c = contentMemo.get(text);
  if (!c) {
    if (contentMemo.size >= MEMO_MAX) contentMemo.clear();
    const split = memo.get(text) ?? splitTokens(words(cleanUnicode(text)));
    c = { words: split.content, canons: new Set(split.content.map((w) => w.canon)), functionWords: split.functionWords };
    contentMemo.set(text, c);
  }
  return c;
}
