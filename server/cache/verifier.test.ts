import { describe, expect, it } from 'vitest';
import { canonical } from '../embedding/text';
import { editDistance, isTypo, verifyPair } from './verifier';

describe('verifyPair', () => {
  const rejects: Array<[string, string, string]> = [
    ['number', 'What is 15% of 80?', 'What is 15% of 90?'],
    ['number', 'Write a poem with three stanzas', 'Write a poem with four stanzas'],
    ['unit', 'Convert 10 miles to kilometers', 'Convert 10 miles to meters'],
    ['unit', 'How tall is Everest in meters?', 'How tall is Everest in feet?'],
    ['negation', 'Which foods are safe for dogs?', 'Which foods are not safe for dogs?'],
    ['negation', "Why does my code work?", "Why doesn't my code work?"],
    ['polarity', 'Is it legal to drive barefoot?', 'Is it illegal to drive barefoot?'],
    ['negation', 'Is this request authorized?', 'Is this request unauthorized?'],
    ['entity', 'What is the capital of France?', 'What is the capital of Germany?'],
    ['quoted', 'Translate "good night" to French', 'Translate "good morning" to French'],
    ['code_language', 'How do I reverse a list in Python?', 'How do I reverse a list in Ruby?'],
    ['code_language', 'Write hello world in C', 'Write hello world in C++'],
    ['human_language', 'Answer in Spanish: what is DNA?', 'Answer in Italian: what is DNA?'],
    ['direction', 'Is Python faster than Java?', 'Is Java faster than Python?'],
    ['direction', 'Flights from Boston to Chicago', 'Flights from Chicago to Boston'],
    ['direction', 'Why do cats chase dogs?', 'Why do dogs chase cats?'],
    ['polarity', 'What is the most populous country?', 'What is the least populous country?'],
    ['polarity', 'Which planet is the largest?', 'Which planet is the smallest?'],
    ['number', 'Who won the World Cup in 2018?', 'Who won the World Cup in 2022?'],
    ['date', 'What is the weather forecast for today?', 'What is the weather forecast for tomorrow?'],
    ['script', 'What is machine learning?', 'Что такое машинное обучение?'],
    ['substitution', 'which foods are safe for dogs', 'which foods are safe for cats'],
    ['addition', 'Which foods are safe for dogs?', 'Which foods are safe for old dogs?'],
    ['polarity', 'How do I invest money?', 'How do I invest money safely?'],
    ['polarity', 'How do I get to the airport?', 'What is the fastest way to get to the airport?'],
    ['substitution', 'Fill in the form', 'Fill in the from'],
    ['substitution', 'How do I clean my boots?', 'How do I clean my bots?'],
    ['substitution', 'How do I fix my gpu?', 'How do I fix my cpu?'],
  ];
  it.each(rejects)('rejects a %s difference: %s / %s', (check, a, b) => {
    const v = verifyPair(a, b);
    expect(v.ok).toBe(false);
    expect(v.check).toBe(check);
    expect(v.reason.startsWith(check)).toBe(true);
  });

  const accepts: Array<[string, string]> = [
    ['What is the capital of France?', 'Could you please tell me what the capital of France is?'],
    ['How do I reverse a list in Python?', 'How do I revrese a list in Pyhton?'],
    ['Who discovered penicillin?', 'Who was the discoverer of penicillin?'],
    ['How do I merge two dictionaries in Python?', "What's the way to merge two Python dictionaries?"],
    ['what is the capital of france', 'WHAT IS THE CAPITAL OF FRANCE'],
    // Question templates, suffixes the word list confirms, a moved clause, a misspelt polarity word.
    ['How do I learn Japanese?', "What's the best way to learn Japanese?"],
    ['When was the Great Wall of China built?', 'In which year was the Great Wall of China built?'],
    ['How far is Mars from Earth?', 'What is the distance between Mars and Earth?'],
    ['What are the benefits of regular exercise?', 'What are the advantages of exercising regularly?'],
    ['How long should I boil an egg for a soft yolk?', 'For a soft yolk, how long do I boil an egg?'],
    ['How do I delete a branch in git?', 'How do I delet a branch in git?'],
    ['Why do cats purr?', 'Why do cats pur?'],
  ];
  it.each(accepts)('accepts a paraphrase: %s / %s', (a, b) => {
    expect(verifyPair(a, b)).toMatchObject({ ok: true });
  });

  it('treats Object.prototype names as plain words', () => {
    expect(verifyPair('What does a constructor do in Java?', 'What does a constructor do in Java please?')).toMatchObject({ ok: true });
    expect(verifyPair('What does toString return?', 'What does valueOf return?')).toMatchObject({ ok: false, check: 'substitution' });
    expect(canonical('constructor')).toBe('constructor');
    expect(canonical('__proto__')).toBe('__proto__');
  });

  it('is defined on empty and odd input', () => {
    expect(verifyPair('', '').ok).toBe(true);
    expect(verifyPair('\ud800', '🤖').ok).toBe(true);
    const long = Array.from({ length: 400 }, (_, i) => `word${i % 50}x`).join(' ');
    expect(verifyPair(long, long)).toMatchObject({ ok: false, check: 'length' });
    // One 50k-character token: no typo comparison of giant words (bounded), a verdict still comes back.
    expect(verifyPair('x'.repeat(50_000), 'x'.repeat(49_999) + 'y').reason).toMatch(/^ok/);
  });
});

describe('typo tolerance', () => {
  it('counts a transposition as one edit', () => {
    expect(editDistance('hole', 'hoel')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('accepts transpositions and single edits in long words only', () => {
    expect(isTypo('mountain', 'mountian')).toBe(true);
    expect(isTypo('photosynthesis', 'photosynthsis')).toBe(true);
    expect(isTypo('horse', 'house')).toBe(false);
    expect(isTypo('cat', 'car')).toBe(false);
    expect(isTypo('2018', '2019')).toBe(false);
  });
  it('never takes one common word for a typo of another, and knows British spellings', () => {
    expect(isTypo('form', 'from')).toBe(false);
    expect(isTypo('trial', 'trail')).toBe(false);
    expect(isTypo('sped', 'speed')).toBe(false); // a real-word error: missed, never guessed
    expect(isTypo('slep', 'sleep')).toBe(true);
    expect(isTypo('fod', 'food')).toBe(true);
    expect(isTypo('gpu', 'cpu')).toBe(false);
    expect(isTypo('colour', 'color')).toBe(true);
    expect(isTypo('organise', 'organize')).toBe(true);
  });
});
