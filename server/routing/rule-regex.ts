// Policy-rule regexes are written by an admin and run on every prompt, so they run on RE2 semantics
// (re2js, pure JS): matching time is linear in the prompt whatever the pattern. JS-only syntax
// (backreferences, lookaround) does not compile there; the policy schema refuses it with the reason.
import { RE2JS } from 're2js';

/** Longest pattern accepted: compile time and memory grow with the pattern, never with the prompt. */
export const MAX_RULE_REGEX_LENGTH = 1000;

export type RuleRegex = { test(text: string): boolean };

/** The compiled pattern (case-insensitive, as rules always were), or why it cannot be used. */
export function compileRuleRegex(source: string): { ok: true; re: RuleRegex } | { ok: false; reason: string } {
  if (source.length > MAX_RULE_REGEX_LENGTH) return { ok: false, reason: `longer than ${MAX_RULE_REGEX_LENGTH} characters` };
  try {
    return { ok: true, re: RE2JS.compile(source, RE2JS.CASE_INSENSITIVE) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
