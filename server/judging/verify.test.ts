import { describe, expect, it } from 'vitest';
import { blockParses, codeBlocks, parseCodeBlocks } from './code-check';
import { featurize, FEATURE_COUNT, FEATURE_NAMES } from './features';
import { checkJsonSchema, schemaOf, verifyAnswer } from './verify';

const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'], additionalProperties: false };

describe('verifiers', () => {
  it('checks JSON against the schema the client asked for (ajv)', () => {
    expect(checkJsonSchema('{"name":"Ada","age":36}', schema)).toBeNull();
    expect(checkJsonSchema('{"name":"Ada","age":-1}', schema)).toMatch(/\/age must be >= 0/);
    expect(checkJsonSchema('{"name":"Ada"}', schema)).toMatch(/must have required property 'age'/);
    expect(checkJsonSchema('not json', schema)).toBe('the answer is not JSON');
    expect(schemaOf({ type: 'json_schema', json_schema: { name: 'p', schema } })).toEqual(schema);
    expect(schemaOf({ type: 'json_object' })).toBeNull();
  });

  it('rejects on a wrong arithmetic step, passes a clean one', () => {
    expect(verifyAnswer({ answer: '2 * 21 = 42 and 42 + 8 = 52.\n#### 52' })).toEqual({ ok: false, detail: '1 of 2 arithmetic steps are wrong (50 is written as 52)' });
    expect(verifyAnswer({ answer: '2 * 21 = 42 and 42 + 8 = 50.\n#### 50' })).toEqual({ ok: true, detail: '2 arithmetic steps check out' });
    expect(verifyAnswer({ answer: '{"name":"Ada"}', schema })).toMatchObject({ ok: false });
  });

  it('parses code blocks: JSON and JavaScript for real, others by bracket balance', () => {
    const text = '```json\n{"a": [1, 2]}\n```\n```js\nconst f = (x) => x * 2;\n```\n```python\ndef f(x):\n    return (x + 1\n```\n```js\nfunction (\n```';
    const blocks = codeBlocks(text);
    expect(blocks.map((b) => b.lang)).toEqual(['json', 'js', 'python', 'js']);
    expect(blocks.map(blockParses)).toEqual([true, true, false, false]);
    expect(parseCodeBlocks('```ts\nconst a: number = 1;\n')).toEqual({ blocks: 1, broken: 1 }); // never closed
  });
});

describe('featurize', () => {
  it('gives one value per named feature, finite for any input', () => {
    for (const answer of ['', 'I am sorry, but I cannot help with that.', '3 + 4 = 8\n#### 8', 'x'.repeat(30_000)]) {
      const f = featurize({ prompt: 'What is 3 + 4?', answer, logprobs: answer ? [-0.1, -3, -0.2] : null });
      expect(f.values).toHaveLength(FEATURE_COUNT);
      expect([...f.values].every(Number.isFinite)).toBe(true);
    }
    const v = (a: string) => featurize({ prompt: 'What is 3 + 4?', answer: a }).values;
    const at = (n: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(n);
    expect(v('3 + 4 = 8\n#### 8')[at('arith_any_wrong')]).toBe(1);
    expect(v('3 + 4 = 7\n#### 7')[at('arith_any_wrong')]).toBe(0);
    expect(v('I am sorry, but I cannot help with that.')[at('refusal')]).toBe(1);
    expect(v('It is probably 7, roughly.')[at('hedges')]).toBeGreaterThan(0);
  });
});
