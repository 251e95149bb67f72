import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../routing/policy';
import { cacheEligibility, maxTokensBucket, scopeFor } from './eligibility';

const policy = defaultPolicy().cache;
const user = (content: string) => ({ role: 'user' as const, content });

describe('cacheEligibility', () => {
  it('accepts a single-turn request and extracts prompt, system prompt and params', () => {
    const e = cacheEligibility({ messages: [{ role: 'system', content: 'Be brief.' }, user('Why is the sky blue?')], temperature: 0.2, max_tokens: 200 }, policy);
    expect(e).toMatchObject({ eligible: true, prompt: 'Why is the sky blue?', systemPrompt: 'Be brief.' });
    if (e.eligible) expect(JSON.parse(e.params)).toEqual({ max_tokens: '<=256' });
    if (e.eligible) expect(scopeFor('t1', e)).toEqual({ tenant: 't1', systemPrompt: 'Be brief.', params: e.params });
  });

  it('bypasses conversations unless the policy allows them, then keys on the history', () => {
    const messages = [user('Hi'), { role: 'assistant' as const, content: 'Hello!' }, user('What is 2+2?')];
    expect(cacheEligibility({ messages }, policy)).toMatchObject({ eligible: false, reason: 'conversation' });
    const a = cacheEligibility({ messages }, { ...policy, allowConversations: true });
    const b = cacheEligibility({ messages: [user('Hey'), messages[1], messages[2]] }, { ...policy, allowConversations: true });
    expect(a.eligible && b.eligible && a.params !== b.params).toBe(true);
  });

  it('bypasses high temperature, logprobs, disabled policy, empty and missing prompts', () => {
    expect(cacheEligibility({ messages: [user('x')], temperature: 1.2 }, policy)).toMatchObject({ reason: 'temperature' });
    expect(cacheEligibility({ messages: [user('x')], temperature: 0.7 }, policy)).toMatchObject({ eligible: true });
    expect(cacheEligibility({ messages: [user('x')], logprobs: true }, policy)).toMatchObject({ reason: 'logprobs' });
    expect(cacheEligibility({ messages: [user('x')] }, { ...policy, enabled: false })).toMatchObject({ reason: 'off' });
    expect(cacheEligibility({ messages: [user('  \n')] }, policy)).toMatchObject({ reason: 'empty' });
    expect(cacheEligibility({ messages: [] }, policy)).toMatchObject({ reason: 'no_prompt' });
    expect(cacheEligibility({ messages: [user('x'.repeat(40_000))] }, policy)).toMatchObject({ reason: 'too_long' });
  });

  it('separates response formats and max_tokens buckets', () => {
    const json = cacheEligibility({ messages: [user('list 3 colors')], response_format: { type: 'json_object' } }, policy);
    const text = cacheEligibility({ messages: [user('list 3 colors')] }, policy);
    expect(json.eligible && text.eligible && json.params !== text.params).toBe(true);
    expect([maxTokensBucket(undefined), maxTokensBucket(Number.NaN), maxTokensBucket(64), maxTokensBucket(65), maxTokensBucket(1e6)]).toEqual(['default', 'default', '<=64', '<=256', '>4096']);
  });
});
