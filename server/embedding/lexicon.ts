/** A lookup table without a prototype: "constructor" or "toString" in a prompt must not match. */
function dict<T>(init: Record<string, T> = {}): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, init);
}

// Word lists the hit verifier compares. Each list is a class of words whose identity changes the
// answer: two prompts that disagree on any of them are different questions however similar their
// embeddings are. Lower case; multi-word forms are matched on the lower-cased text.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINALS = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];

/** Number words -> canonical numeric string ("one" is excluded: "one of", "which one" are not numbers). */
export const NUMBER_WORDS: Record<string, string> = dict({
  hundred: '100', thousand: '1000', million: '1000000', billion: '1000000000', trillion: '1e12',
  dozen: '12', half: '0.5', quarter: '0.25', twice: 'x2', double: 'x2', triple: 'x3', thrice: 'x3', single: '1', pair: '2', couple: '2',
});
ONES.forEach((w, i) => {
  if (w !== 'one') NUMBER_WORDS[w] = String(i);
});
TENS.forEach((w, i) => {
  if (w) NUMBER_WORDS[w] = String(i * 10);
});
ORDINALS.forEach((w, i) => {
  if (i !== 2) NUMBER_WORDS[w] = `#${i}`; // "second" is also a unit of time
});
NUMBER_WORDS.last = '#last';

/** Units -> canonical unit. */
export const UNITS: Record<string, string> = dict();
const unitGroups: Record<string, string[]> = {
  km: ['km', 'kms', 'kilometer', 'kilometers', 'kilometre', 'kilometres'],
  m: ['meter', 'meters', 'metre', 'metres'],
  cm: ['cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'],
  mm: ['mm', 'millimeter', 'millimeters'],
  mi: ['mi', 'mile', 'miles', 'mph'],
  ft: ['ft', 'foot', 'feet'],
  in: ['inch', 'inches'],
  yd: ['yard', 'yards'],
  kg: ['kg', 'kgs', 'kilogram', 'kilograms', 'kilo', 'kilos'],
  g: ['gram', 'grams'],
  lb: ['lb', 'lbs', 'pound', 'pounds'],
  oz: ['oz', 'ounce', 'ounces'],
  l: ['liter', 'liters', 'litre', 'litres'],
  ml: ['ml', 'milliliter', 'milliliters', 'millilitre'],
  gal: ['gallon', 'gallons'],
  cup: ['cup', 'cups'],
  c: ['celsius', 'centigrade', '°c'],
  f: ['fahrenheit', '°f'],
  k: ['kelvin'],
  usd: ['usd', 'dollar', 'dollars', '$'],
  eur: ['eur', 'euro', 'euros', '€'],
  gbp: ['gbp', 'sterling', '£'],
  jpy: ['yen', 'jpy', '¥'],
  s: ['sec', 'secs', 'seconds', 'second'],
  min: ['minute', 'minutes', 'mins'],
  h: ['hour', 'hours', 'hr', 'hrs'],
  day: ['day', 'days'],
  week: ['week', 'weeks'],
  month: ['month', 'months'],
  year: ['year', 'years'],
  kb: ['kb', 'kilobyte', 'kilobytes'],
  mb: ['mb', 'megabyte', 'megabytes'],
  gb: ['gb', 'gigabyte', 'gigabytes'],
  tb: ['tb', 'terabyte', 'terabytes'],
  byte: ['byte', 'bytes'],
  bit: ['bit', 'bits'],
  w: ['watt', 'watts'],
  kw: ['kw', 'kilowatt', 'kilowatts'],
  kwh: ['kwh'],
  v: ['volt', 'volts'],
  hz: ['hz', 'hertz'],
  ghz: ['ghz'],
  mhz: ['mhz'],
  pct: ['percent', '%', 'percentage'],
  cal: ['calorie', 'calories', 'kcal'],
  acre: ['acre', 'acres'],
  ha: ['hectare', 'hectares'],
};
for (const [canon, forms] of Object.entries(unitGroups)) for (const f of forms) UNITS[f] = canon;

/** Programming languages. Ambiguous short names (Go, C, R, Swift) are only counted when written
 *  with a capital or next to a code word; see verifier.ts. */
export const LANGUAGES: Record<string, string> = dict({
  python: 'python', python3: 'python', javascript: 'javascript', js: 'javascript', node: 'javascript', nodejs: 'javascript',
  typescript: 'typescript', ts: 'typescript', java: 'java', kotlin: 'kotlin', scala: 'scala', 'c++': 'c++', cpp: 'c++',
  'c#': 'c#', csharp: 'c#', golang: 'go', rust: 'rust', ruby: 'ruby', php: 'php', perl: 'perl', haskell: 'haskell',
  lua: 'lua', dart: 'dart', elixir: 'elixir', erlang: 'erlang', julia: 'julia', matlab: 'matlab', ocaml: 'ocaml',
  'f#': 'f#', clojure: 'clojure', sql: 'sql', mysql: 'sql', postgres: 'sql', bash: 'bash', shell: 'bash', zsh: 'bash',
  powershell: 'powershell', html: 'html', css: 'css', fortran: 'fortran', cobol: 'cobol', assembly: 'assembly', vba: 'vba',
  objc: 'objective-c', groovy: 'groovy', solidity: 'solidity', zig: 'zig', nim: 'nim', pascal: 'pascal', prolog: 'prolog',
});
export const AMBIGUOUS_LANGUAGES: Record<string, string> = dict({ go: 'go', c: 'c', r: 'r', swift: 'swift' });

/** Natural languages (for "translate to X", "answer in X"). */
export const HUMAN_LANGUAGES = new Set(
  'english french spanish german italian portuguese dutch swedish norwegian danish finnish polish czech russian ukrainian greek turkish arabic hebrew persian hindi bengali urdu chinese mandarin cantonese japanese korean vietnamese thai indonesian malay swahili latin'.split(' '),
);

/** Words that name a point or span in time. */
export const DATE_WORDS: Record<string, string> = dict();
'january february march april may june july august september october november december'.split(' ').forEach((m, i) => {
  DATE_WORDS[m] = `mon${i + 1}`;
  if (m !== 'may' && m !== 'march') DATE_WORDS[m.slice(0, 3)] = `mon${i + 1}`;
});
'monday tuesday wednesday thursday friday saturday sunday'.split(' ').forEach((d, i) => {
  DATE_WORDS[d] = `dow${i}`;
});
Object.assign(DATE_WORDS, {
  today: 'today', tonight: 'today', tomorrow: 'tomorrow', yesterday: 'yesterday', now: 'now', currently: 'now', current: 'now',
  recent: 'recent', recently: 'recent', latest: 'recent', upcoming: 'future', future: 'future', past: 'past', ago: 'past',
  next: 'next', previous: 'previous', bc: 'bc', bce: 'bc', ad: 'ad', ce: 'ad', century: 'century', decade: 'decade',
  spring: 'spring', summer: 'summer', autumn: 'autumn', fall: 'autumn', winter: 'winter', weekend: 'weekend',
});

/**
 * Degree/polarity words: [axis, sign]. Two prompts whose multisets of (axis, sign) differ ask
 * different questions ("most" vs "least", "safe" vs "unsafe", "increase" vs "decrease").
 */
export const POLARITY: Record<string, string> = dict();
const polarityPairs: Array<[string, string[], string[]]> = [
  ['degree', ['most', 'more', 'maximum', 'max', 'highest', 'greatest', 'top', 'best', 'better'], ['least', 'less', 'fewer', 'fewest', 'minimum', 'min', 'lowest', 'bottom', 'worst', 'worse']],
  ['size', ['largest', 'biggest', 'larger', 'bigger', 'tallest', 'taller', 'longest', 'longer', 'heaviest', 'heavier', 'widest', 'deepest'], ['smallest', 'smaller', 'shortest', 'shorter', 'lightest', 'lighter', 'narrowest', 'shallowest', 'tiniest']],
  ['speed', ['fastest', 'faster', 'quickest', 'quicker'], ['slowest', 'slower']],
  ['price', ['expensive', 'costliest', 'priciest', 'pricier'], ['cheapest', 'cheaper', 'cheap', 'affordable', 'inexpensive']],
  ['age', ['oldest', 'older', 'earliest', 'earlier', 'first', 'ancient'], ['newest', 'newer', 'youngest', 'younger', 'latest', 'later', 'last', 'modern']],
  ['temp', ['hottest', 'hotter', 'hot', 'warmest', 'warmer', 'warm'], ['coldest', 'colder', 'cold', 'coolest', 'cooler']],
  ['safety', ['safe', 'safer', 'safest', 'healthy', 'harmless', 'edible', 'legal'], ['unsafe', 'dangerous', 'toxic', 'poisonous', 'harmful', 'unhealthy', 'illegal', 'deadly', 'risky']],
  ['change', ['increase', 'increases', 'raise', 'raises', 'rise', 'grow', 'gain', 'up', 'upgrade', 'add', 'enable', 'start', 'open', 'encrypt', 'encode', 'import', 'push', 'buy', 'win', 'insert', 'append'], ['decrease', 'decreases', 'lower', 'lowers', 'reduce', 'reduces', 'fall', 'shrink', 'lose', 'down', 'downgrade', 'remove', 'delete', 'erase', 'disable', 'stop', 'close', 'decrypt', 'decode', 'export', 'pull', 'sell', 'lose']],
  ['truth', ['true', 'correct', 'right', 'pros', 'advantages', 'benefits'], ['false', 'wrong', 'incorrect', 'cons', 'disadvantages', 'drawbacks']],
  ['direction', ['north', 'east', 'left', 'above', 'before', 'inside', 'input'], ['south', 'west', 'right', 'below', 'after', 'outside', 'output']],
  ['pos', ['positive', 'good', 'happy', 'rich', 'strong', 'success'], ['negative', 'bad', 'sad', 'poor', 'weak', 'failure']],
  ['possible', ['possible', 'likely', 'always'], ['impossible', 'unlikely', 'sometimes', 'rarely']],
];
for (const [axis, plus, minus] of polarityPairs) {
  for (const w of plus) POLARITY[w] = `${axis}+`;
  for (const w of minus) POLARITY[w] = `${axis}-`;
}

/** Words that order their neighbours: swapping the terms around them reverses the question. */
export const DIRECTIONAL = new Set(['than', 'to', 'into', 'from', 'vs', 'versus', 'over', 'against', 'beat', 'beats', 'before', 'after', 'for', 'by', 'on', 'in', 'of', '->', '→']);

/** Capitalised words that are sentence framing, not names. */
export const NOT_NAMES = new Set(
  'what which who whom whose when where why how is are was were do does did can could would should will shall may might must please i the a an in on at for to of and or but if is it its this that these those tell give explain describe write list name find show hi hello hey thanks thank dear okay ok yes no not my me we you your our their there here why also then so just compare make create help define translate convert calculate summarize'.split(' '),
);
