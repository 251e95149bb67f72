import { describe, expect, it } from 'vitest';
import { defaultPolicy } from './policy';
import { checkAnswer, isRefusal, meanLogprob, type AnswerToCheck } from './validators';

const on = defaultPolicy().validators;
const answer = (content: string, extra: Partial<AnswerToCheck> = {}): AnswerToCheck => ({ content, finishReason: 'stop', ...extra });

describe('answer checks', () => {
  it('passes a normal answer', () => {
    expect(checkAnswer(answer('Paris is the capital of France.'), on)).toEqual({ ok: true });
  });

  it('fails empty and whitespace-only answers', () => {
    expect(checkAnswer(answer(''), on)).toMatchObject({ ok: false, check: 'empty' });
    expect(checkAnswer(answer(' \n\t'), on)).toMatchObject({ ok: false, check: 'empty' });
    expect(checkAnswer(answer(''), { ...on, empty: false })).toEqual({ ok: true });
  });

  it('detects refusals in several languages', () => {
    for (const text of [
      "I'm sorry, but I can't help with that.",
      'I cannot assist with that request.',
      'As an AI language model, I cannot browse the internet.',
      'Es tut mir leid, aber dabei kann ich Ihnen nicht helfen.',
      'Ich kann Ihnen dabei nicht helfen.',
      'Je suis désolé, mais je ne peux pas répondre à cette question.',
      'Lo siento, pero no puedo ayudarte con eso.',
      'Mi dispiace, ma non posso aiutarti.',
      'Desculpe, mas não posso ajudar com isso.',
      '抱歉，我无法回答这个问题。',
      '申し訳ありませんが、その質問にはお答えできません。',
      'Извините, но я не могу помочь с этим.',
      '죄송하지만 그 요청은 도와드릴 수 없습니다.',
    ]) {
      expect(isRefusal(text), text).toBe(true);
    }
    expect(checkAnswer(answer("I'm sorry, but I cannot do that."), on)).toMatchObject({ ok: false, check: 'refusal' });
  });

  it('does not call answers that mention refusing, or long answers, refusals', () => {
    expect(isRefusal('To refuse politely, say: "I cannot attend, sorry."')).toBe(false);
    expect(isRefusal('The function cannot be called twice because the lock is held.')).toBe(false);
    expect(isRefusal(`I'm sorry, but I can't give legal advice. ${'However, here is what the law says in general. '.repeat(20)}`)).toBe(false);
    expect(checkAnswer(answer("I'm sorry, but I can't."), { ...on, refusal: false })).toEqual({ ok: true });
  });

  it('fails finish_reason length only when the client did not cap tokens', () => {
    expect(checkAnswer(answer('A long answer that', { finishReason: 'length' }), on)).toMatchObject({ ok: false, check: 'truncated' });
    expect(checkAnswer(answer('A long answer that', { finishReason: 'length', clientMaxTokens: 50 }), on)).toEqual({ ok: true });
  });

  it('fails invalid JSON when JSON was asked for', () => {
    const json = { responseFormat: 'json_object' as const };
    expect(checkAnswer(answer('{"a": 1}', json), on)).toEqual({ ok: true });
    expect(checkAnswer(answer('Sure! {"a": 1}', json), on)).toMatchObject({ ok: false, check: 'json' });
    expect(checkAnswer(answer('[1, 2]', json), on)).toMatchObject({ ok: false, check: 'json', detail: /not an object/ });
    expect(checkAnswer(answer('[1, 2]', { responseFormat: 'json_schema' }), on)).toEqual({ ok: true });
    expect(checkAnswer(answer('not json'), on)).toEqual({ ok: true });
  });

  it('fails low confidence only when configured and logprobs exist', () => {
    const strict = { ...on, minLogprob: -1 };
    expect(checkAnswer(answer('maybe', { logprobs: [-2, -3] }), strict)).toMatchObject({ ok: false, check: 'low_confidence', detail: /-2\.50 is below -1/ });
    expect(checkAnswer(answer('sure', { logprobs: [-0.1, -0.2] }), strict)).toEqual({ ok: true });
    expect(checkAnswer(answer('maybe', { logprobs: [-2, -3] }), on)).toEqual({ ok: true });
    expect(checkAnswer(answer('maybe', { logprobs: [] }), strict)).toEqual({ ok: true });
    expect(meanLogprob([Number.NaN])).toBeNull();
  });
});
