import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPair } from '../../server/cache/verifier';
import { canonical } from '../../server/embedding/text';
import { antonymPoles, kin, nearSynonyms, opposite, wordnetFold } from '../../server/embedding/wordnet/index';

describe('WordNet table', () => {
  it('folds words whose dominant sense is one synset, and act nouns into their verb', () => {
    expect(wordnetFold('automobile')).toBe('car');
    expect(wordnetFold('big')).toBe(wordnetFold('large'));
    expect(wordnetFold('decision')).toBe('decide');
    expect(canonical('automobiles')).toBe(canonical('car'));
  });

  it('does not fold through rare senses, inflected lemmas or person nouns', () => {
    expect(wordnetFold('java')).toBe('java'); // first an island, not coffee
    expect(wordnetFold('using')).toBe('using'); // WordNet's "using" = exploitation
    expect(wordnetFold('teacher')).toBe('teacher');
    expect(canonical('dog')).not.toBe(canonical('cat'));
  });

  it('never folds two words that are antonyms of each other', () => {
    const table = JSON.parse(readFileSync(join(import.meta.dirname, '../../server/embedding/wordnet/table.json'), 'utf8')) as { fold: Record<string, string> };
    const bad = Object.entries(table.fold).filter(([w, rep]) => opposite(w, rep));
    expect(bad).toEqual([]);
    expect(Object.keys(table.fold).length).toBeGreaterThan(1000);
  });

  it('knows antonym axes, direct and through similar adjectives', () => {
    expect(opposite('large', 'small')).toBe(true);
    expect(opposite('huge', 'tiny')).toBe(true);
    expect(opposite('accept', 'reject')).toBe(true);
    expect(opposite('large', 'big')).toBe(false);
    expect(antonymPoles('qwzx')).toBeUndefined();
  });

  it('pairs near synonyms and verb hypernyms but not siblings', () => {
    expect(nearSynonyms('hurt', 'pain')).toBe(true);
    expect(nearSynonyms('wash', 'clean')).toBe(true);
    expect(nearSynonyms('locate', 'find')).toBe(true);
    expect(nearSynonyms('buy', 'rent')).toBe(false); // both "get"
    expect(nearSynonyms('coffee', 'tea')).toBe(false);
    expect(nearSynonyms('dog', 'cat')).toBe(false);
    expect(nearSynonyms('salmon', 'chicken')).toBe(false);
    expect(nearSynonyms('large', 'small')).toBe(false);
  });
});

describe('verifier with WordNet', () => {
  it('rejects antonyms the hand lists do not know', () => {
    for (const [a, b] of [
      ['Why is my dog so thin?', 'Why is my dog so fat?'],
      ['How do I accept a pull request on GitHub?', 'How do I reject a pull request on GitHub?'],
      ['Is a huge meal before bed bad for sleep?', 'Is a tiny meal before bed bad for sleep?'],
    ]) {
      const v = verifyPair(a, b);
      expect(v.ok, `${a} / ${b}`).toBe(false);
      expect(v.check).toBe('polarity');
    }
  });

  it('accepts synonym rewordings as the same content words', () => {
    for (const [a, b] of [
      ['How do I repair my automobile?', 'How can I fix my car?'],
      ['Why does my back hurt?', 'What causes back pain?'],
      ['How do I wash a wool sweater?', 'How should I clean a wool sweater?'],
    ]) {
      const v = verifyPair(a, b);
      expect(v.ok && v.lexicalMatch, `${a} / ${b}: ${v.reason}`).toBe(true);
    }
  });

  it('does not count a generic word on one side as the same content words', () => {
    expect(verifyPair('What is the role of the liver?', 'What is the liver?').lexicalMatch).toBe(false);
  });

  it('does not let a word matched on both sides stand in for a swapped one', () => {
    // "zipper" is a kind of fastening ("fix"), but "fix" is already on both sides.
    const v = verifyPair('How do I fix a broken zipper?', 'How do I fix a broken button?');
    expect(v.ok && v.lexicalMatch).toBe(false);
  });

  it('sees a direction swap through synonyms ("integer to string" / "string into int")', () => {
    const v = verifyPair('How do I convert an integer to a string in Java?', 'How to convert a string into an int in Java?');
    expect(v.check).toBe('direction');
  });
});

describe('WordNet kin (kin.json)', () => {
  it('marks siblings, cousins and hypernyms as kin', () => {
    for (const [a, b] of [['dog', 'cat'], ['carbon', 'nitrogen'], ['coffee', 'tea'], ['salmon', 'fish'], ['oven', 'microwave'], ['flu', 'measles'], ['height', 'weight']]) {
      expect([a, b, kin(a, b), kin(b, a)]).toEqual([a, b, true, true]);
    }
  });
  it('does not mark synonyms-in-context or unrelated words as kin', () => {
    for (const [a, b] of [['origin', 'come'], ['point', 'temperature'], ['dog', 'dog'], ['laptop', 'zzzz']]) expect([a, b, kin(a, b)]).toEqual([a, b, false]);
  });
});
