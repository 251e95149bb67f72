// Unicode clean-up shared by the cache's normalisation and the embedders' tokenisation: both must
// see the same characters for the same prompt.

// C0/C1 controls except \t \n \r, zero-width and bidi formatting characters, BOM.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;
const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u00ab': '"', '\u00bb': '"' };
const DASHES = /[\u2010-\u2015\u2212]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Lone surrogates become U+FFFD (as String#toWellFormed would), so hashing is well defined. */
export function cleanUnicode(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(/[\u2018-\u201e\u00ab\u00bb]/g, (c) => QUOTES[c] ?? c)
    .replace(DASHES, '-');
}
