import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHARS, cleanUnicode, normalizePrompt, scopeHash } from './normalize';

describe('normalizePrompt', () => {
  it('folds case, whitespace, NFKC forms, curly quotes and clause punctuation', () => {
    const want = 'what is the capital of france';
    for (const p of ['What is the capital of France?', '  WHAT  is\tthe capital\nof France ?! ', 'Ｗｈａｔ is the capital of France?', 'What\u200b is the capital of France…']) {
      expect(normalizePrompt(p)).toBe(want);
    }
    expect(normalizePrompt('say \u201chi\u201d')).toBe('say "hi"');
  });

  it('keeps punctuation that can change meaning', () => {
    expect(normalizePrompt('is 3.5 > 35?')).not.toBe(normalizePrompt('is 35 > 35?'));
    expect(normalizePrompt('what is -5 squared')).not.toBe(normalizePrompt('what is 5 squared'));
    expect(normalizePrompt('call a.b()')).toBe('call a.b()');
  });

  it('keeps case and inner whitespace in code', () => {
    const code = 'Fix this:\n```\nif (x) {\n  Foo();\n}\n```';
    expect(normalizePrompt(code)).toContain('Foo();');
    expect(normalizePrompt(code)).not.toBe(normalizePrompt(code.replace('Foo', 'foo')));
  });

  it('is total: empty, whitespace-only, invisible-only, lone surrogates', () => {
    expect(normalizePrompt('')).toBe('');
    expect(normalizePrompt(' \n\t')).toBe('');
    expect(normalizePrompt('\u200b\ufeff')).toBe('');
    expect(cleanUnicode('a\ud800b')).toBe('a\ufffdb');
    expect(normalizePrompt('a\udc00')).toBe('a\ufffd');
  });

  it('handles a prompt far over the cache limit without throwing', () => {
    expect(normalizePrompt('ab '.repeat(MAX_PROMPT_CHARS)).length).toBeGreaterThan(MAX_PROMPT_CHARS);
  });
});

describe('scopeHash', () => {
  const base = { tenant: 't', systemPrompt: 'Be brief.', params: '{}' };
  it('differs by tenant, system prompt (case-sensitive) and params', () => {
    const h = scopeHash(base);
    expect(scopeHash({ ...base, tenant: 'u' })).not.toBe(h);
    expect(scopeHash({ ...base, systemPrompt: 'BE BRIEF.' })).not.toBe(h);
    expect(scopeHash({ ...base, params: '{"a":1}' })).not.toBe(h);
    expect(scopeHash({ ...base, systemPrompt: ' Be brief.\n' })).toBe(h);
  });
});

describe('normalizePrompt against its former regular-expression form', () => {
  // What normalizePrompt computed with backtracking regexes (quadratic on runs of newlines, spaces
  // or punctuation); the linear passes must give the same text.
  function reference(text: string): string {
    const clean = cleanUnicode(text);
    if (/```|`[^`]+`|[{};]\s*$|^\s*(def|function|class|import|#include|SELECT)\b/im.test(clean)) {
      return clean.replace(/[ \t]+$/gm, '').replace(/\r\n?/g, '\n').trim();
    }
    return clean.toLowerCase().replace(/\s+/g, ' ').replace(/[,;:!?.\u2026]+(?= |$)/g, '').replace(/\s+/g, ' ').trim();
  }

  it('gives the same text on generated inputs', () => {
    const unit = fc.constantFrom(' ', '\t', '\n', '\r', 'A', 'b', '.', ',', '!', '…', '{', '}', ';', '`', 'def', 'class', 'Select', '#include', 'x');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }).map((a) => a.join('')), (t) => {
        expect(normalizePrompt(t)).toBe(reference(t));
      }),
      { numRuns: 3000 },
    );
  });
});
