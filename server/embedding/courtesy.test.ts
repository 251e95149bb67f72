import { describe, expect, it } from 'vitest';
import { stripCourtesy } from './courtesy';
import { STOPWORDS, words } from './text';
import { expandTxtSpeak } from './txt-speak';

const strip = (t: string) => stripCourtesy(t, STOPWORDS).replace(/\s+/g, ' ').trim();

describe('stripCourtesy', () => {
  it('drops courtesy-only clauses anywhere, and a signature after a closing thanks', () => {
    expect(strip('hey friend, what is a haiku? thanks, maria')).toBe('what is a haiku?');
    expect(strip('how do i, sorry, sorry, how do i cook rice? thank you')).toBe('how do i, how do i cook rice?');
    expect(strip('what is the, um, capital of chile? thanks')).toBe('what is the, capital of chile?');
  });

  it('keeps the only clause, any clause with another word, and degree words', () => {
    expect(strip('hello there!')).toBe('hello there!');
    expect(strip('which is best, python or java?')).toBe('which is best, python or java?');
    expect(strip('thanks, what is a haiku and a tanka')).toBe('what is a haiku and a tanka');
    // One word after a thanks that is not a sign-off position: the question itself.
    expect(strip('thanks, but why?')).toBe('but why?');
    expect(strip('what is ai? give examples.')).toBe('what is ai? give examples.');
  });
});

describe('expandTxtSpeak', () => {
  it('writes chat spellings out, and a digit only where it cannot be a count', () => {
    expect(expandTxtSpeak('wat r the side effects')).toBe('what are the side effects');
    expect(expandTxtSpeak('how 2 fix a faucet')).toBe('how to fix a faucet');
    expect(expandTxtSpeak('apply 4 a visa')).toBe('apply for a visa');
    expect(expandTxtSpeak('y do onions make u cry')).toBe('why do onions make u cry');
    expect(expandTxtSpeak('i have 2 cats and 4 dogs')).toBe('i have 2 cats and 4 dogs');
    expect(expandTxtSpeak('solve for y in 2y + 3 = 7')).toBe('solve for y in 2y + 3 = 7');
  });

  it('is what the tokeniser sees: held-down letters are one', () => {
    expect(words('Hiii, thankssss soooo much!! what is a haiku')).toEqual(words('what is a haiku'));
  });
});
