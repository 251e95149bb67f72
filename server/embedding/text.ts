// Word-level text processing shared by the local embedder and the cache's hit verifier: one
// tokeniser, one stop-word list, one light stemmer and one small synonym table, so that what the
// embedder treats as "the same word" is exactly what the verifier compares.
import { cleanUnicode } from '../lib/unicode';
import { isWord } from './dictionary';
import { stripCourtesy } from './courtesy';
import { expandTxtSpeak } from './txt-speak';
import { wordnetFold } from './wordnet';

const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bcan'?t\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\bshan'?t\b/g, 'shall not'],
  [/\b(\w+)n't\b/g, '$1 not'],
  [/\b(\w+)'re\b/g, '$1 are'],
  [/\b(\w+)'ve\b/g, '$1 have'],
  [/\b(\w+)'ll\b/g, '$1 will'],
  [/\b(\w+)'d\b/g, '$1 would'],
  [/\bi'm\b/g, 'i am'],
  [/\b(it|that|what|there|here|who|where|how|when|why|he|she)'s\b/g, '$1 is'],
  [/\b(\w+)'s\b/g, '$1'],
];

// Question templates that ask the same thing in other words, rewritten to one form before
// tokenising, so that the embedder and the verifier both see the same content words. Only
// framing is folded: "the best way to X" -> "how to X" (the *fastest*/*cheapest* way keeps its
// degree word), "in what year" -> "when", "how far" -> "distance". Each rule is a whole phrase.
const TEMPLATES: Array<[RegExp, string]> = [
  [/\bwhat (?:is|are|would be) (?:the |some |a |an )?(?:(?:best|right|proper|correct|recommended|ideal|good|usual|standard|simplest|easiest) )?(?:ways?|methods?|steps|procedure|process) (?:to|of|for)\b/g, 'how to'],
  [/\bwhat (?:can|could|should|do|must) (?:i|we|you|one|someone) do to\b/g, 'how to'],
  [/\b(?:in |during )?(?:what|which) year\b/g, 'when'],
  [/\b(?:how come|for what reason|what is the reason(?: that| why)?)\b/g, 'why'],
  [/\bhow far\b/g, 'distance'],
  [/\bhow fast\b/g, 'speed'],
  [/\bhow old\b/g, 'age'],
  [/\bhow (?:tall|high)\b/g, 'height'],
  [/\bhow heavy\b/g, 'weight'],
  [/\bhow (?:big|large)\b/g, 'size'],
  [/\bhow deep\b/g, 'depth'],
  [/\bhow many people live in\b/g, 'population of'],
  [/\b(?:stands?|short|abbreviation|acronym) for\b/g, 'acronym'],
  [/\bget rid of\b/g, 'remove'],
  [/\bhow (?:do|would|can|could|should|does) (?:you|i|one|we|someone) say\b/g, 'translate'],
  [/\bwhat (?:is|are) (?:the |a )?(?:command|commands|syntax|code|shortcut|keyboard shortcut) (?:to|for)\b/g, 'how to'],
  [/\bwhy (?:do|does|did|would|will) (.{1,80}?) (?:happen|occur)\b/g, 'why $1'],
];

// The last few tokenisations: a lookup tokenises its prompt in the embedder and again in the
// verifier (and the verifier's pre-check); the result is shared. Callers must not mutate it.
const recentWords = new Map<string, string[]>();
const RECENT_MAX = 16;

/** Lower-cased word tokens (letters/digits, with inner . , for numbers like 3.5 and 1,000). */
export function words(text: string): string[] {
  let out = recentWords.get(text);
  if (out) return out;
  out = tokenize(text);
  if (recentWords.size >= RECENT_MAX) recentWords.delete(recentWords.keys().next().value as string);
  recentWords.set(text, out);
  return out;
}

const STRETCHED = /(\p{L})\1\1/u;

function unstretch(w: string): string {
  const one = w.replace(/(\p{L})\1{2,}/gu, '$1');
  if (isWord(one) || STOPWORDS.has(one)) return one;
  const two = w.replace(/(\p{L})\1{2,}/gu, '$1$1');
  return isWord(two) ? two : one;
}

function tokenize(text: string): string[] {
  // A doubled apostrophe ("What''s", an escaping slip) is one; a letter held down ("thanksss",
  // "hiii", "pleaseeee") is one letter, or two where that makes the word ("sooo good" / "cooool").
  let t = cleanUnicode(text).toLowerCase().replace(/''+/g, "'");
  if (STRETCHED.test(t)) t = t.replace(/[\p{L}]*(\p{L})\1{2,}[\p{L}]*/gu, unstretch);
  t = expandTxtSpeak(t);
  for (const [re, rep] of CONTRACTIONS) t = t.replace(re, rep);
  for (const [re, rep] of TEMPLATES) t = t.replace(re, rep);
  t = stripCourtesy(t, STOPWORDS);
  return t.match(/\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}]+(?:[+#]+|\p{N}+)?/gu) ?? [];
}

// Function words and request framing ("could you please tell me"): they change how a question is
// asked, not what is asked. Negations, comparatives and quantifiers are deliberately NOT here.
export const STOPWORDS = new Set(
  (
    'a an the this that these those it its is are was were be been being am do does did doing have has had having ' +
    'i me my mine we us our you your yours he him his she her they them their there here what which who whom whose ' +
    'how why when where whether if then so and or but of in on at by for with about as into onto upon within via ' +
    'per out up down off just also too very really quite some any each every all both such own same other ' +
    'can could would should will shall may might must please kindly thanks thank hi hello hey dear tell explain ' +
    'show give let know want like wonder wondering help need curious question quick briefly simply actually ' +
    'anyone somebody someone way ways possible mind ok okay sir madam assistant chatgpt is it ' +
    'describe say said get got go going to one thing things something between ' +
    'u ur ya pls plz thx ty abt explaining telling describing hmm hm um uh uhm erm yo'
  ).split(/\s+/),
);

// Words whose exact identity matters to the verifier even though they are short or common.
export const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'nowhere', 'cannot']);

// Synonyms folded to one representative. Only pairs that are interchangeable in questions;
// antonyms and degree words are handled by the verifier instead.
// Null prototype: a prompt containing "constructor" or "toString" must not find Object's methods.
const SYNONYMS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  thru: 'through', tho: 'though', altho: 'although', nite: 'night', tonite: 'tonight', cuz: 'because', coz: 'because',
  govt: 'government', convo: 'conversation', msg: 'message', avg: 'average', diff: 'differ', approx: 'about',
  hrs: 'hour', hr: 'hour', yrs: 'year', yr: 'year', mins: 'minute', secs: 'second', wk: 'week', wks: 'week',
  veggies: 'vegetable', veggie: 'vegetable', fridge: 'refrigerator', bike: 'bicycle', bikes: 'bicycle', photo: 'photograph',
  photos: 'photograph', pic: 'photograph', pics: 'photograph', maths: 'mathematics', math: 'mathematics', flu: 'influenza',
  tv: 'television', telly: 'television', uni: 'university', info: 'information', exam: 'examination', exams: 'examination',
  biggest: 'largest', big: 'large', huge: 'large', bigger: 'larger',
  smallest: 'smallest', tiny: 'small', little: 'small',
  quick: 'fast', quickly: 'fast', rapid: 'fast', speedy: 'fast', quickest: 'fastest',
  automobile: 'car', vehicle: 'car', movie: 'film', flick: 'film', physician: 'doctor',
  purchase: 'buy', commence: 'start', begin: 'start', finish: 'end', utilize: 'use', employ: 'use',
  invert: 'reverse', create: 'make', build: 'make', construct: 'make', generate: 'make', produce: 'make',
  repair: 'fix', resolve: 'fix', solve: 'fix', correct: 'fix', mend: 'fix',
  price: 'cost', expense: 'cost', kid: 'child', children: 'child', kids: 'child',
  meaning: 'mean', definition: 'define', significance: 'mean', means: 'mean',
  calculate: 'compute', determine: 'compute', figure: 'compute', work: 'work',
  difference: 'differ', different: 'differ', distinguish: 'differ', compare: 'differ', comparison: 'differ',
  recipe: 'cook', cooking: 'cook', prepare: 'cook', bake: 'cook',
  capitol: 'capital', nation: 'country', countries: 'country', state: 'state',
  author: 'write', wrote: 'write', written: 'write', writing: 'write', writer: 'write',
  inventor: 'invent', invented: 'invent', discover: 'invent', discovered: 'invent', discoverer: 'invent',
  approximately: 'about', roughly: 'about', around: 'about',
  amount: 'many', number: 'many', much: 'many', count: 'many',
  reason: 'why', cause: 'why', causes: 'why',
  benefit: 'advantage', benefits: 'advantage', pros: 'advantage', advantages: 'advantage',
  drawback: 'disadvantage', cons: 'disadvantage', downside: 'disadvantage', downsides: 'disadvantage',
  tip: 'advice', tips: 'advice', suggestion: 'advice', suggestions: 'advice', recommend: 'advice', recommendation: 'advice',
  step: 'step', steps: 'step', guide: 'step', instructions: 'step', tutorial: 'step',
  happen: 'occur', happens: 'occur', happened: 'occur', occurs: 'occur', occurred: 'occur',
  function: 'function', func: 'function', method: 'function',
  array: 'list', arrays: 'list', lists: 'list',
  delete: 'remove', erase: 'remove', deleting: 'remove', removing: 'remove', eliminate: 'remove', drop: 'remove',
  convert: 'convert', transform: 'convert', turn: 'convert', change: 'convert',
  fewest: 'least', lowest: 'least', minimum: 'least', min: 'least',
  maximum: 'most', max: 'most', highest: 'most',
  used: 'use', uses: 'use',
  int: 'integer', str: 'string', dict: 'dictionary', quit: 'exit', leave: 'exit', painter: 'paint', painted: 'paint',
  js: 'javascript', ts: 'typescript', golang: 'go', py: 'python', cpp: 'c++', csharp: 'c#',
  usa: 'us', america: 'us', uk: 'britain',
});

/** Content words that paraphrases add or drop without changing the question ("which city is the
 *  capital", "what are the steps to", "which currency does Japan use"). */
export const GENERIC = new Set(
  'city make use using from why step function purpose role process method kind type exactly main mainly list name tell steps define mean many'.split(' '),
);

/** The first candidate that is a common English word, or null. */
function firstWord(cands: string[]): string | null {
  for (const c of cands) if (c.length >= 3 && isWord(c)) return c;
  return null;
}

const undouble = (b: string) => (/([b-df-hj-np-tv-z])\1$/.test(b) && !/(ll|ss|zz|ff)$/.test(b) ? b.slice(0, -1) : b);

/**
 * English suffix stripping guided by the word list: a suffix is only removed when what remains is a
 * word ("exercising" -> "exercise", "mainly" -> "main", "stopped" -> "stop"; "string", "family",
 * "early" stay). Words the list does not know (names, jargon, misspellings) get the plain rules.
 * Numbers and symbols are never stemmed.
 */
export function stem(w: string): string {
  if (w.length <= 3 || /\p{N}/u.test(w) || /[+#]/.test(w)) return w;
  if (/^[a-z]+$/.test(w) && isWord(w)) return dictionaryStem(w) ?? w;
  return plainStem(w);
}

function dictionaryStem(w: string): string | null {
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return null;
  if (w.endsWith('ies') && w.length > 4) return firstWord([w.slice(0, -3) + 'y', w.slice(0, -1)]);
  if (w.endsWith('ied') && w.length > 4) return firstWord([w.slice(0, -3) + 'y']);
  if (w.endsWith('ing') && w.length > 5) {
    const b = w.slice(0, -3);
    return firstWord([undouble(b), b + 'e', b]);
  }
  if (w.endsWith('ed') && w.length > 4) {
    const b = w.slice(0, -2);
    return firstWord([undouble(b), b + 'e', b, w.slice(0, -1)]);
  }
  if (w.endsWith('ily') && w.length > 5) return firstWord([w.slice(0, -3) + 'y']);
  if (w.endsWith('ly') && w.length >= 6) {
    const b = w.slice(0, -2);
    return b.length >= 4 ? firstWord([b, b + 'e']) : null;
  }
  if (w.endsWith('es') && /(ch|sh|x|z|ss)es$/.test(w)) return firstWord([w.slice(0, -2)]);
  if (w.endsWith('s')) return firstWord([w.slice(0, -1)]);
  return null;
}

/** The light rules for words the list does not know. */
function plainStem(w: string): string {
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is')) return w;
  if (w.endsWith('ing') && w.length > 5) return w.slice(0, -3);
  if (w.endsWith('ed') && w.length > 5) return w.slice(0, -2);
  if (w.endsWith('es') && /(ch|sh|x|z)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

const canonMemo = new Map<string, string>();

/** Synonym-folded, stemmed form of one lower-case word (memoised: the same words recur constantly). */
export function canonical(w: string): string {
  let c = canonMemo.get(w);
  if (c === undefined) {
    const direct = SYNONYMS[w];
    const s = direct ?? stem(w);
    const folded = direct ?? SYNONYMS[s] ?? s;
    // Then WordNet's dominant-sense synonym classes ("automobile" -> "car", "decision" -> "decide"),
    // and the hand table once more, so both lists agree on one representative.
    const wn = wordnetFold(folded);
    c = SYNONYMS[wn] ?? wn;
    if (canonMemo.size >= 50_000) canonMemo.clear();
    canonMemo.set(w, c);
  }
  return c;
}

/** The content words of a text in order: stop words removed, the rest canonicalised. */
export function contentTokens(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    out.push(canonical(w));
  }
  return out;
}
