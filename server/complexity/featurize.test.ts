// The featurizer: CJK-aware tokens, the documented cut, structure counts and multilingual keywords.
import { describe, expect, it } from 'vitest';
import { defaultParams, DENSE, dimension, featurize } from './featurize';
import { matchKeywords } from './keywords';
import { MAX_CHARS, prepare, tokenize } from './text';

const p = defaultParams();

describe('featurizer', () => {
  it('tokenizes CJK per character and Latin per word', () => {
    expect(tokenize('请解释区块链 and blockchain')).toEqual(['请', '解', '释', '区', '块', '链', 'and', 'blockchain']);
    expect(tokenize('日本の首都は？')).toEqual(['日', '本', 'の', '首', '都', 'は', '？']);
  });

  it(`cuts input to MAX_CHARS (${MAX_CHARS}) without splitting a surrogate pair`, () => {
    const long = `${'a'.repeat(MAX_CHARS - 1)}😀${'b'.repeat(10)}`;
    const prep = prepare(long);
    expect(prep.truncated).toBe(true);
    expect(prep.text.length).toBeLessThanOrEqual(MAX_CHARS);
    expect(/[\ud800-\udbff]$/.test(prep.text)).toBe(false);
    expect(prepare('short').truncated).toBe(false);
  });

  it('counts structure: questions, numbered parts, bullets, code, math, context share', () => {
    const f = featurize(
      'Here is my draft:\n\nThe quick brown fox jumps over the lazy dog. It was a sunny day and everyone was outside enjoying the weather.\n\nCan you fix it? And why is it wrong?\n\n1. grammar\n2. tone\n- shorter\n- clearer\n- friendlier\n\n```js\nconst x = 1;\n```\n\nAlso solve x^2 + 3x = 10.',
      p,
    );
    expect(f.structure.questions).toBe(2);
    expect(f.structure.numberedParts).toBe(2);
    expect(f.structure.bullets).toBe(3);
    expect(f.structure.codeBlocks).toBe(1);
    expect(f.structure.hasCode).toBe(true);
    expect(f.structure.hasMath).toBe(true);
    expect(f.structure.multiPart).toBe(true);
    expect(f.structure.contextShare).toBeGreaterThan(0.2);
    expect(featurize('What is the capital of France?', p).structure.contextShare).toBe(0);
  });

  it('fires keyword groups in several languages', () => {
    expect(matchKeywords('write a business plan for a bakery')).toContain('deliverable');
    expect(matchKeywords('escribe un plan de negocios para una panadería')).toContain('deliverable');
    expect(matchKeywords('vergleiche mehrere quellen zum wohnungsmarkt')).toEqual(expect.arrayContaining(['research', 'compare']));
    expect(matchKeywords('analyse le marché et cite tes sources')).toEqual(expect.arrayContaining(['research', 'analyze']));
    expect(matchKeywords('请调研全球电池市场')).toContain('research');
    expect(matchKeywords('量子コンピュータについて説明してください')).toContain('explain');
    expect(matchKeywords('what is the capital of peru')).toContain('fact');
    // Italian, Portuguese, Dutch and Russian share the groups' features with the other languages.
    expect(matchKeywords('scrivi un piano aziendale dettagliato per una pasticceria')).toEqual(expect.arrayContaining(['short-writing', 'deliverable']));
    expect(matchKeywords('faça uma pesquisa com fontes sobre o mercado de baterias')).toContain('research');
    expect(matchKeywords('vergelijk de voor- en nadelen van warmtepompen')).toContain('compare');
    expect(matchKeywords('объясни, почему небо голубое')).toContain('explain');
    expect(matchKeywords('реши уравнение x^2 = 4')).toContain('math');
    // Whole words only: "codex" is not "code".
    expect(matchKeywords('the codex')).not.toContain('code');
  });

  it('produces finite, in-range sparse features and a stable layout', () => {
    for (const t of ['', '  ', '🙂', 'x'.repeat(100_000), '\u0000\u0007\ud800', 'Explain 量子 физика']) {
      const f = featurize(t, p);
      expect(f.indices.length).toBe(f.values.length);
      f.values.forEach((v) => expect(Number.isFinite(v)).toBe(true));
      f.indices.forEach((i) => expect(i >= 0 && i < dimension(p)).toBe(true));
      expect(new Set(f.indices).size).toBe(f.indices.length);
    }
    expect(DENSE).toBe(89);
    expect(featurize('same text', p).indices).toEqual(featurize('same text', p).indices);
  });
});
