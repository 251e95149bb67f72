// The decision's prompt hash: normalised (Unicode form, case, whitespace) over the head of each
// message, the rest of an oversized message hashed as it is, so its cost on the request path is one
// pass whatever the prompt's size.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROMPT_HASH_NORMALIZED_CHARS, promptHash } from './record';

const user = (content: string) => ({ role: 'user' as const, content });

describe('promptHash', () => {
  it('is the sha256 of the normalised conversation for every prompt of ordinary size', () => {
    const msgs = [{ role: 'system' as const, content: ' Be brief. ' }, user('What  is\nthe ﬁrst   PRIME?')];
    const spec = createHash('sha256').update('system:be brief.\nuser:what is the first prime?').digest('hex');
    expect(promptHash(msgs)).toBe(spec);
    expect(promptHash([msgs[0], user('what is the first prime?')])).toBe(spec);
    expect(promptHash([msgs[0], user('what is the second prime?')])).not.toBe(spec);
  });

  it('normalises only the head of an oversized message and still tells its tails apart', () => {
    const head = 'x '.repeat(PROMPT_HASH_NORMALIZED_CHARS / 2);
    const a = `${head}tail A ${'y'.repeat(200_000)}`;
    expect(promptHash([user(a)])).toBe(promptHash([user(a)]));
    expect(promptHash([user(a)])).not.toBe(promptHash([user(a.replace('tail A', 'tail B'))]));
    // Beyond the head the text is hashed as it is: a case change there is a different prompt.
    expect(promptHash([user(a)])).not.toBe(promptHash([user(a.replace('tail A', 'TAIL A'))]));
    // Inside the head it is not.
    expect(promptHash([user(`X${a.slice(1)}`)])).toBe(promptHash([user(a)]));
  });
});
