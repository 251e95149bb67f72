// Policy-rule regexes: same answers as the JS engine on the syntax both share, refusal (with the
// reason) of what only a backtracking engine can run, and linear time on the classic ReDoS patterns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adversarialTexts } from '../../test/fixtures/adversarial-text';
import { defaultPolicy, policySchema, storedPolicySchema } from './policy';
import { compileRuleRegex } from './rule-regex';
import { ruleMatches } from './rules';
import type { DecideContext } from './plan';

// A grammar of the syntax JS and RE2 read alike, over an ASCII alphabet (no '.', whose line
// terminators differ, and no Unicode case folding, which differs too).
const atom = fc.oneof(
  fc.constantFrom('a', 'B', 'c', '1', ' ', '-', '\\d', '\\w', '\\s', '\\b', '[a-c]', '[^b]', '[0-9 ]', '\\-'),
);
const regexArb: fc.Arbitrary<string> = fc.letrec<{ re: string; seq: string; piece: string }>((tie) => ({
  piece: fc.oneof(
    { weight: 4, arbitrary: atom },
    { weight: 1, arbitrary: fc.tuple(tie('re'), fc.constantFrom('*', '+', '?', '{1,3}', '*?', '')).map(([r, q]) => `(?:${r})${q}`) },
  ),
  seq: fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('')),
  re: fc.oneof(
    { weight: 3, arbitrary: tie('seq') },
    { weight: 1, arbitrary: fc.tuple(tie('seq'), tie('seq')).map(([a, b]) => `${a}|${b}`) },
    { weight: 1, arbitrary: tie('seq').map((s) => `^${s}`) },
    { weight: 1, arbitrary: tie('seq').map((s) => `${s}$`) },
  ),
})).re;
const textArb = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'c', '1', '2', ' ', '-', '\n', '_'), maxLength: 30 });

const ctx = (prompt: string) => ({ prompt }) as DecideContext;
const rule = (regex: string) => ({ id: 'r', description: '', match: { regex }, action: { type: 'force' as const, target: 'large' as const } });

describe('policy-rule regexes', () => {
  it('answer as the JS engine did on the syntax both share (case-insensitive)', () => {
    fc.assert(
      fc.property(regexArb, textArb, (source, text) => {
        const c = compileRuleRegex(source);
        expect(c.ok).toBe(true);
        expect(ruleMatches(rule(source), ctx(text))).toBe(new RegExp(source, 'i').test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses backreferences, lookaround and overlong patterns with a zod issue on the rule', () => {
    for (const regex of ['(a)\\1', '(?=a)b', '(?<!x)y', 'a'.repeat(1001), '(']) {
      const r = policySchema.safeParse({ ...defaultPolicy(), rules: [rule(regex)] });
      expect(r.success, regex.slice(0, 20)).toBe(false);
      expect(r.error?.issues[0]).toMatchObject({ path: ['rules', 0, 'match', 'regex'] });
      expect(r.error?.issues[0].message).toMatch(/^invalid regular expression \(RE2 syntax/);
    }
    // A version stored before still loads; its rule just never matches.
    const stored = storedPolicySchema.parse({ ...defaultPolicy(), rules: [rule('(a)\\1')] });
    expect(ruleMatches(stored.rules[0], ctx('aa'))).toBe(false);
  });

  it('run in linear time on the classic catastrophic patterns over 200 KB adversarial prompts', () => {
    // Each of these takes the JS engine longer than any test timeout on such inputs (exponential or
    // polynomial backtracking); this test would not finish without RE2 semantics.
    const evil = ['(a+)+$', '(a|a)*$', '(a|aa)+$', '(\\w+\\s?)+$', '^(\\d+)*$', '(.*a){12}', '(x+x+)+y', '([a-z]+)*[0-9]$', '(acgt|ACGT|a.*)+!x'];
    for (const [name, text] of Object.entries(adversarialTexts(200_000))) {
      for (const source of evil) expect(typeof ruleMatches(rule(source), ctx(text)), `${source} on ${name}`).toBe('boolean');
    }
  });
});
