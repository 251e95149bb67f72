// parseSubQuestions against its former regular-expression form, which was quadratic on planner
// output with many '{' or '[' and no closing one, or a list line of spaces ending in a line break.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSubQuestions } from './research';

function reference(text: string, max: number) {
  const candidates = [text.match(/\{[\s\S]*\}/)?.[0], text.match(/\[[\s\S]*\]/)?.[0]].filter((c): c is string => !!c);
  for (const c of candidates) {
    try {
      const v = JSON.parse(c) as unknown;
      const o = v as Record<string, unknown>;
      const strings = (x: unknown) => {
        if (!Array.isArray(x)) return null;
        const out = x.map((q) => (typeof q === 'string' ? q : typeof (q as { question?: unknown })?.question === 'string' ? (q as { question: string }).question : '')).map((q) => q.trim()).filter(Boolean);
        return out.length ? out : null;
      };
      const qs = strings(v) ?? strings(o?.sub_questions) ?? strings(o?.subQuestions) ?? strings(o?.questions);
      if (qs) return { questions: [...new Set(qs)].slice(0, max), source: 'json' };
    } catch {
      /* next */
    }
  }
  const lines = text
    .split('\n')
    .map((l) => l.match(/^\s*(?:\d+[.)]|[-*•])\s+(.+)$/)?.[1]?.trim())
    .filter((l): l is string => !!l && l.length > 3);
  return lines.length ? { questions: [...new Set(lines)].slice(0, max), source: 'lines' } : null;
}

describe('parseSubQuestions', () => {
  it('equals its former regex form on generated planner output', () => {
    const unit = fc.constantFrom(' ', '\t', '\n', '\r', '\u2028', '1', '12', '.', ')', '-', '*', '•', 'what is x', '{', '}', '[', ']', '"q"', ',', '"questions":', ':');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }).map((a) => a.join('')), (t) => {
        expect(parseSubQuestions(t, 5)).toEqual(reference(t, 5));
      }),
      { numRuns: 3000 },
    );
  });
});
