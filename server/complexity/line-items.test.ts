// The structure counts against the regular expressions they replace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countBullets, countNumberedParts, countSentenceEnds, hasIndentedLine } from './line-items';

const unit = fc.constantFrom(' ', '\t', '\n', '\r', '1', '2', '3', '.', ')', '(', 'a', 'h', 'z', '-', '*', '•', '!', '?', '。', '！', 'x');
const text = fc.string({ unit, maxLength: 60 });
const count = (t: string, re: RegExp) => (t.match(re) ?? []).length;

describe('structure counts equal their regular expressions', () => {
  it('sentence ends, numbered parts, bullets, indented lines', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(countSentenceEnds(t)).toBe(count(t, /[.!?。！？]+(?=\s|$)|[。！？]/g));
        expect(countNumberedParts(t)).toBe(count(t, /(?:^|\n)\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[a-h][.)]\s)/g));
        expect(countBullets(t)).toBe(count(t, /(?:^|\n)\s*[-*•]\s+\S/g));
        expect(hasIndentedLine(t)).toBe(/^\s{4,}\S/m.test(t));
      }),
      { numRuns: 5000 },
    );
  });
});
