// The linear passes against the regular expressions they replace, on inputs made of the characters
// those expressions care about.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropRunsBefore, isSpace, someLineStart, spaceRunEnds, trimEndChars, trimLineEnds } from './linear-text';

const unit = fc.constantFrom(' ', '\t', '\n', '\r', '\u2028', '\u00a0', 'a', 'x', '.', ',', '!', '-', ';', '\u2026', 'd', 'e', 'f', '{', 'S');
const text = fc.string({ unit, maxLength: 60 });
const run = (p: (t: string) => void) => fc.assert(fc.property(text, p), { numRuns: 3000 });

describe('linear text passes equal their regular expressions', () => {
  it('isSpace is \\s', () => {
    for (let c = 0; c < 0x10000; c++) expect(isSpace(c)).toBe(/\s/.test(String.fromCharCode(c)));
  });

  it('spaceRunEnds', () =>
    run((t) => {
      const ends = spaceRunEnds(t);
      for (let i = 0; i <= t.length; i++) expect(ends[i]).toBe(i + (/^\s*/.exec(t.slice(i))?.[0].length ?? 0));
    }));

  it('trimLineEnds is replace(/[ \\t]+$/gm, "")', () =>
    run((t) => {
      expect(trimLineEnds(t)).toBe(t.replace(/[ \t]+$/gm, ''));
    }));

  it('dropRunsBefore is replace(/[,;:!?.…]+(?= |$)/g, "")', () =>
    run((t) => {
      expect(dropRunsBefore(t, ',;:!?.\u2026', 32)).toBe(t.replace(/[,;:!?.\u2026]+(?= |$)/g, ''));
    }));

  it('trimEndChars is replace(/[.-]+$/, "")', () =>
    run((t) => {
      expect(trimEndChars(t, '.-')).toBe(t.replace(/[.-]+$/, ''));
    }));

  it('someLineStart is /^\\s*X/m and /^\\s{4,}\\S/m', () => {
    const def = /(?:def)\b/y;
    const at = (t: string, i: number) => {
      def.lastIndex = i;
      return def.test(t);
    };
    run((t) => {
      expect(someLineStart(t, at)).toBe(/^\s*(?:def)\b/m.test(t));
      expect(someLineStart(t, () => true, 4)).toBe(/^\s{4,}\S/m.test(t));
    });
  });
});
