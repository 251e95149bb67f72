import { describe, expect, it } from 'vitest';
import { sameFinal } from './answer-judge';
import { holdAnswerModel } from './holder';
import { judgeRequest, parseGrade } from './rubric';
import type { QualityScorer } from './scorer';

describe('judge tier rubric', () => {
  it('reads the last [[rating]] in 1..10 and nothing else', () => {
    expect(parseGrade('Fine work. Rating: [[8]]')).toBe(8);
    expect(parseGrade('[[3]] at first, then Rating: [[7.5]]')).toBe(7.5);
    expect(parseGrade('[[hello]] Rating: [[11]]')).toBeNull();
    expect(parseGrade('[[4]]')).toBe(4);
    expect(parseGrade('no rating')).toBeNull();
  });
  it('sends the conversation and the answer with the grading rubric at temperature 0', () => {
    const r = judgeRequest({ messages: [{ role: 'system', content: 'be nice' }, { role: 'user', content: 'What is 2+2?' }] }, '4');
    expect(r.temperature).toBe(0);
    expect(r.messages[0].content).toMatch(/rating from 1 to 10/);
    expect(r.messages[1].content).toBe('[The request]\nUSER: What is 2+2?\n\n[The answer to grade]\n4\n[End of answer]');
  });
});

describe('self-consistency comparison', () => {
  it('compares final numbers as numbers, other answers by their last line', () => {
    expect(sameFinal('2 + 2 = 4\n#### 4', 'Two plus two is 4.0')).toBe(true);
    expect(sameFinal('#### 4', '#### 5')).toBe(false);
    expect(sameFinal('The capital is Paris.', 'the capital is  paris.')).toBe(true);
    expect(sameFinal('Paris.', 'Lyon.')).toBe(false);
  });
});

describe('answer model holder', () => {
  const fake = (name: string, closed: string[]) => ({ modelVersion: name, close: async () => void closed.push(name) }) as unknown as QualityScorer;
  it('swaps the active model at once and closes the old one after the grace period', async () => {
    const closed: string[] = [];
    const meta = (v: string) => ({ modelVersion: v }) as never;
    const h = holdAnswerModel({ scorer: fake('a', closed), meta: meta('a') });
    expect(h.current()?.modelVersion).toBe('a');
    h.swap({ scorer: fake('b', closed), meta: meta('b') }, 0);
    expect(h.current()?.modelVersion).toBe('b');
    expect(h.meta()?.modelVersion).toBe('b');
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toEqual(['a']);
    await h.close();
    expect(closed).toEqual(['a', 'b']);
    expect(h.current()).toBeNull();
  });
});
