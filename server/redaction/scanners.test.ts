// Each scanner must find exactly what the regular expression it replaces finds (left to right,
// non-overlapping), on inputs built from the characters those patterns care about.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactPreview } from './redact';
import { findBlobs, findEmails, findPhoneNumbers, findPrefixedKeys, type Span } from './scanners';

const REFERENCE: [string, (t: string) => Span[], RegExp, string][] = [
  ['emails', findEmails, /[\w.+-]+@[\w-]+\.[\w.-]+/g, '[email]'],
  ['prefixed keys', findPrefixedKeys, /\b(?:sk|pk|api|key|token)[-_][A-Za-z0-9_-]{12,}\b/gi, '[secret]'],
  ['blobs', findBlobs, /\b[A-Za-z0-9+/_-]{32,}={0,2}/g, '[secret]'],
  ['phone numbers', findPhoneNumbers, /\+?\d[\d ()-]{8,}\d/g, '[number]'],
];

function regexSpans(re: RegExp, t: string): Span[] {
  return [...t.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

// Few distinct characters make the near misses (a '@' without a dot, a key one character short,
// separators without digits) frequent.
const unit = fc.constantFrom('a', 'Z', '0', '7', '_', '-', '.', '+', '/', '=', '@', ' ', '(', ')', 'é', '\n', 's', 'k', 'p', 'T', 'O', 'e', 'n', 'y', 'i');
const text = fc.string({ unit, maxLength: 80 });
// Shapes close to what each pattern wants: words glued by separators.
const piece = fc.constantFrom('sk-', 'api_', 'Key-', 'token_', 'a@b', '@', 'x.y', '.com', '+1 ', '(555) ', '12-34', 'abcdefghijkl', 'QUJD', '==', ' ', '-', '0123456789');
const shaped = fc.array(piece, { maxLength: 20 }).map((p) => p.join(''));

describe('redaction scanners match their reference regular expressions', () => {
  for (const [name, scan, re] of REFERENCE) {
    it(name, () => {
      fc.assert(fc.property(fc.oneof(text, shaped), (t) => {
        expect(scan(t)).toEqual(regexSpans(re, t));
      }), { numRuns: 3000 });
    });
  }
});

function referencePreview(text: string, max = 280): string {
  let t = text.replace(/\s+/g, ' ').trim();
  for (const [, , re, sub] of REFERENCE) t = t.replace(re, sub);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

describe('redactPreview', () => {
  it('gives the same preview as the regular expressions did', () => {
    fc.assert(fc.property(fc.oneof(text, shaped), (t) => {
      expect(redactPreview(t, 60)).toBe(referencePreview(t, 60));
    }), { numRuns: 2000 });
  });

  it('redacts what it is for', () => {
    expect(redactPreview('mail ann.lee+x@mail.example.org, key sk-abcdefghijklmnop, call +1 (555) 123-4567')).toBe('mail [email], key [secret], call [number]');
    expect(redactPreview(`blob ${'QUJD'.repeat(10)}== end`)).toBe('blob [secret] end');
  });

  it('redacts a secret that runs past the previewed window', () => {
    const long = `${'word '.repeat(3270)}${'x'.repeat(40_000)}`;
    expect(redactPreview(long, 100_000)).toContain('[secret]');
  });
});
