// Text normalisation, the input cut, CJK-aware tokenisation and a script/stop-word language guess.

/**
 * Inputs are cut to this many UTF-16 code units before featurizing. 12,000 characters is roughly
 * 2,000 English words: far past the point where length still says anything about complexity, and it
 * bounds the cost of one assessment (a 1 MB paste costs the same as a 12 kB one).
 */
export const MAX_CHARS = 12_000;

export interface Prepared {
  /** NFKC-normalised, control characters removed, cut to MAX_CHARS. Original case kept. */
  text: string;
  /** Lower-cased `text`, what the n-gram features see. */
  lower: string;
  truncated: boolean;
  originalLength: number;
}

// C0/C1 controls except tab/newline/CR, lone surrogates and U+FFFD: binary junk carries no signal.
const JUNK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function prepare(input: unknown): Prepared {
  const raw = typeof input === 'string' ? input : '';
  const originalLength = raw.length;
  // Cut before normalising too, so a 1 MB input never gets copied whole by normalize().
  let text = raw.length > MAX_CHARS * 2 ? raw.slice(0, MAX_CHARS * 2) : raw;
  text = text.normalize('NFKC').replace(JUNK, ' ');
  let truncated = originalLength > MAX_CHARS * 2;
  if (text.length > MAX_CHARS) {
    // Do not leave half a surrogate pair at the cut.
    const end = /[\ud800-\udbff]/.test(text[MAX_CHARS - 1]) ? MAX_CHARS - 1 : MAX_CHARS;
    text = text.slice(0, end);
    truncated = true;
  }
  return { text, lower: text.toLowerCase(), truncated, originalLength };
}

// Han, Hiragana, Katakana, Hangul: scripts written without spaces, tokenised per character.
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
// Longer runs (base64, hashes, junk) are cut: their tail carries nothing and would cost n-grams.
const MAX_TOKEN = 40;
const TOKEN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/**
 * Word tokens. Latin/Cyrillic/etc. runs become words; CJK runs become one token per character
 * (the n-gram layer then adds character bigrams, which carry most of the meaning in zh/ja).
 * Punctuation and symbols are kept as single tokens because "?", "=", "{" are informative.
 */
export function tokenize(lower: string): string[] {
  const out: string[] = [];
  // match() with the g flag returns the matched strings only: no match object per token.
  for (const tok of lower.match(TOKEN) ?? []) {
    if (CJK.test(tok)) {
      let run = '';
      for (const ch of tok) {
        if (CJK.test(ch)) {
          if (run) out.push(run);
          run = '';
          out.push(ch);
        } else run += ch;
      }
      if (run) out.push(run);
    } else out.push(tok.length > MAX_TOKEN ? tok.slice(0, MAX_TOKEN) : tok);
  }
  return out;
}

/** CJK tokens are single characters (see tokenize), so the first code unit decides. */
export function isCjk(token: string): boolean {
  const c = token.charCodeAt(0);
  return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xac00 && c <= 0xd7af);
}

const STOP: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'what', 'how', 'you', 'of', 'to', 'in', 'for', 'a', 'with', 'my', 'this', 'that', 'write', 'can'],
  es: ['el', 'la', 'los', 'las', 'que', 'de', 'y', 'es', 'en', 'por', 'para', 'una', 'un', 'cómo', 'qué', 'con', 'mi'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'ich', 'wie', 'was', 'mit', 'für', 'auf', 'zu', 'den', 'mein'],
  fr: ['le', 'la', 'les', 'et', 'est', 'des', 'une', 'un', 'que', 'pour', 'dans', 'comment', 'quoi', 'avec', 'du', 'mon', 'je'],
};
const STOP_LANGS = Object.keys(STOP);
/** Stop word -> indices (into STOP_LANGS) of the languages listing it: one lookup per token, not one per language. */
const STOP_INDEX = new Map<string, number[]>();
STOP_LANGS.forEach((lang, li) => {
  for (const w of STOP[lang]) {
    const langs = STOP_INDEX.get(w) ?? [];
    if (!langs.includes(li)) langs.push(li);
    STOP_INDEX.set(w, langs);
  }
});

/** ISO 639-1 guess from script first (zh/ja/ko/ru/ar/...), then stop-word votes for Latin text. */
const NON_LATIN = /[\u0400-\u04ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/;

export function detectLanguage(text: string, tokens: string[]): string {
  if (!NON_LATIN.test(text)) return latinLanguage(text, tokens);
  if (/[\u3040-\u30ff]/.test(text)) return 'ja';
  if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
  if (/[\uac00-\ud7af]/.test(text)) return 'ko';
  if (/[\u0400-\u04ff]/.test(text)) return 'ru';
  if (/[\u0600-\u06ff]/.test(text)) return 'ar';
  return latinLanguage(text, tokens);
}

function latinLanguage(text: string, tokens: string[]): string {
  const votes = new Array<number>(STOP_LANGS.length).fill(0);
  for (let i = 0; i < tokens.length && i < 400; i++) {
    const langs = STOP_INDEX.get(tokens[i]);
    if (langs) for (const li of langs) votes[li]++;
  }
  // The first language (in STOP's order) with the most votes, as when each was counted in turn.
  let best = 'und';
  let bestVotes = 0;
  for (let li = 0; li < STOP_LANGS.length; li++) {
    if (votes[li] > bestVotes) {
      best = STOP_LANGS[li];
      bestVotes = votes[li];
    }
  }
  if (best === 'und') return /[a-z]{2,}/i.test(text) ? 'en' : 'und';
  return best;
}
