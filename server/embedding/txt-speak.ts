// Chat and phone spellings written as the words they stand for, before tokenising: "wat r u",
// "how 2 fix", "apply 4 a visa", "howdo i". Only forms with one reading in a question are taken,
// and the digits only where they cannot be a count: "2" before a determiner or after a word that
// takes "to" ("how 2 fix", "2 the moon"), "4" before a determiner or pronoun ("4 a visa"); "I have 2
// cats" keeps its number.

const WORDS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  wat: 'what', wut: 'what', wht: 'what', wot: 'what', wats: 'what is', whts: 'what is', whats: 'what is',
  wen: 'when', wher: 'where', hw: 'how', bc: 'because', b4: 'before', btwn: 'between', bw: 'between',
  idk: 'i do not know', rn: 'right now', smth: 'something', sth: 'something', abt: 'about', ppl: 'people',
  shud: 'should', shld: 'should', cud: 'could', wud: 'would', hav: 'have', gud: 'good', luv: 'love',
  wanna: 'want to', gonna: 'going to', gotta: 'got to', kinda: 'kind of', sorta: 'sort of', dunno: 'do not know',
  lemme: 'let me', gimme: 'give me', tmrw: 'tomorrow', '2moro': 'tomorrow', '2day': 'today', '2nite': 'tonight',
});

const WORD_RE = new RegExp(String.raw`\b(?:${Object.keys(WORDS).join('|')})\b`, 'g');

const DETERMINER = String.raw`(?:the|a|an|my|your|ur|his|her|our|their|this|that|these|those)`;
const RULES: Array<[RegExp, string]> = [
  [/\b(how|way|ways|want|need|going|able|try|trying|learn|wanna|hard|easy|time|what|where|when|from|back|go|how long)\s2\s(?=[a-z])/g, '$1 to '],
  [new RegExp(String.raw`(?<=[a-z]\s)2(?=\s${DETERMINER}\b)`, 'g'), 'to'],
  [new RegExp(String.raw`(?<=[a-z]\s)4(?=\s(?:${DETERMINER}|me|you|u|us|him|them|it|free|beginners|kids)\b)`, 'g'), 'for'],
  // "y" opening a question, "r" between a question word or pronoun and what follows, "w" between words.
  [/(^|[.!?]\s+)y(?=\s(?:do|does|did|is|are|was|were|would|should|can|cant|not|am)\b)/g, '$1why'],
  [/\b(what|wat|how|where|who|why|y|there|u|you|we|they)\sr\b/g, '$1 are'],
  [/(^|[.!?]\s+)r(?=\s(?:u|you|we|they|there|these|those|the)\b)/g, '$1are'],
  [/(?<=[a-z]\s)w\/?(?=\s[a-z])/g, 'with'],
  [/(?<=[a-z]\s)w\/o(?=\s[a-z])/g, 'without'],
];

// Two function words typed without the space between them ("howdo", "whatis", "canyou", "inthe").
const GLUED = new RegExp(String.raw`\b(how|what|why|when|where|who|can|could|do|does|is|are|in|of|on|to)(do|does|did|is|are|can|i|you|u|the|a|it)\b`, 'g');

/** A standalone 2, 4, y, r or w: the only prompts the context rules can change (most have none). */
const RULE_HINT = /(?:^|\s)[24yrw](?:\/o?)?(?=\s|$)/;

/** `text` (lower case) with chat spellings written out. */
export function expandTxtSpeak(text: string): string {
  let t = text;
  if (RULE_HINT.test(t)) for (const [re, rep] of RULES) t = t.replace(re, rep);
  t = t.replace(GLUED, (m, a: string, b: string) => (m === 'isa' || m === 'ona' || m === 'toi' ? m : `${a} ${b}`));
  return t.replace(WORD_RE, (w) => WORDS[w]);
}
