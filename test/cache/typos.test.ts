// Typo recall on prompts the verifier's rules were not written against: keyboard-model typos
// (test/cache/typo-model.ts) of the hand-labelled training prompts, two seeds. A typo on one side
// used to read as a word added to the question, a unit, a name or a quoted phrase of its own
// (recall about 0.4 on such sets); misspellings of the other side's words are now compared as
// those words (server/cache/respell.ts). Near misses stay misses (the pair sets' tests).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluatePairs } from '../../scripts/commands/eval-cache';
import { respelled, typoPartner } from '../../server/cache/respell';
import { verifyPair } from '../../server/cache/verifier';
import { typoPairs } from './typo-model';

const prompts = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text)
    .filter((t) => /^[\x20-\x7e]+$/.test(t) && t.split(' ').length >= 3 && t.split(' ').length <= 25);

describe('typos', () => {
  it('recalls at least 60 % of keyboard-model typo pairs, on two prompt sets and seeds', async () => {
    for (const [file, seed] of [['data/complexity/handwritten.jsonl', 7], ['data/complexity/demo-labeled.jsonl', 11]] as const) {
      const pairs = typoPairs(prompts(file).slice(0, 250), seed);
      expect(pairs.length).toBeGreaterThan(100);
      const r = await evaluatePairs(pairs, 0.75);
      console.log(`${file} (seed ${seed}): typo recall ${r.hit_recall} on ${pairs.length} pairs`);
      expect(r.hit_recall).toBeGreaterThanOrEqual(0.6);
    }
  }, 120_000);

  it('recalls at least 30 % when every word of 4+ letters is misspelt (no content word shared)', async () => {
    // Short prompts (up to 12 words), as people type them: 0.32 here, 0.24 when the lexical floor is 0.4
    // on the vector path too (UNINDEXED_LEXICAL_FLOOR), 0.41 with 0.25 on both paths (too costly).
    const pairs = typoPairs(prompts('data/complexity/handwritten-2.jsonl').filter((t) => t.split(' ').length <= 12).slice(0, 200), 5, { everyWord: true });
    expect(pairs.length).toBeGreaterThan(100);
    const r = await evaluatePairs(pairs, 0.75);
    console.log(`every word misspelt: typo recall ${r.hit_recall} on ${pairs.length} pairs`);
    expect(r.hit_recall).toBeGreaterThanOrEqual(0.3);
  }, 120_000);

  it('respells a misspelling as the other side’s word, keeping its case', () => {
    expect(respelled('Hw many centimetres in an innch?', 'How many centimetres in an inch?')).toBe('How many centimetres in an inch?');
    expect(respelled('Explain the Monty Hlal problem', 'Explain the Monty Hall problem.')).toBe('Explain the Monty Hall problem');
    expect(typoPartner('fpr', ['ideas', 'for', 'a', 'party'])).toBe('for');
    // A neighbouring key in a short word; two unknown spellings written the same way on both sides.
    expect(respelled('Nzme three primary colors.', 'Name three primary colors.')).toBe('Name three primary colors.');
    const [a, b] = ['What time zone is Chicago in?', 'What time zone is Chiago in?'];
    expect(respelled(a, b).match(/Chi\w+/)![0]).toBe(respelled(b, a).match(/Chi\w+/)![0]);
    expect(verifyPair(a, b).ok).toBe(true);
    expect(verifyPair("What''s the square root of 144?", "What's the square root of 144?").ok).toBe(true);
  });

  it('leaves alone what is meant as written', () => {
    expect(typoPartner('ii', ['what', 'caused', 'world', 'war', 'i'])).toBeNull(); // Roman numeral, one-letter word
    expect(typoPartner('int', ['convert', 'to', 'an', 'integer', 'in', 'java'])).toBeNull(); // abbreviation, not "in" + t
    expect(typoPartner('scala', ['scale', 'a', 'server'])).toBeNull(); // a language
    expect(typoPartner('sped', ['speed'])).toBeNull(); // a real word
    expect(typoPartner('int', ['int', 'in'])).toBeNull(); // on both sides
    expect(verifyPair('What caused World War I?', 'What caused World War II?').ok).toBe(false);
    expect(verifyPair('How do I scale a server?', 'How do I scala a server?').ok).toBe(false);
    expect(verifyPair('How do I cast an int to a float in C++?', 'How do I cast a float to an int in C++?').ok).toBe(false);
    expect(verifyPair('Convert 5 km to miles', 'Convert 5 km to milles').ok).toBe(true);
    expect(typoPartner('gpu', ['fix', 'my', 'cpu'])).toBeNull(); // g and c are not neighbours
    expect(verifyPair('Why do cats purr?', 'Why do cast purr?').ok).toBe(false); // a content word for a content word
    // Names and acronyms: a replaced letter is another name, a neighbouring key is not a typo there.
    expect(verifyPair('How old is Magnus Carlsen?', 'How old is Magnus Carlson?').ok).toBe(false);
    expect(verifyPair('What is CPI?', 'What is CPU?').ok).toBe(false);
    expect(verifyPair('Who is Tim Cook?', 'Who is Tom Cook?').ok).toBe(false);
    // A real word for a function word is a different question as often as a slip: not guessed.
    expect(verifyPair('How do I save money?', 'How do I have money?').ok).toBe(false);
  });
});
