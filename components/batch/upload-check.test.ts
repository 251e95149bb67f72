import { describe, expect, it } from 'vitest';
import { checkUpload } from './upload-check';

describe('checkUpload', () => {
  it('accepts prompt, messages and OpenAI batch lines, skipping blank lines', () => {
    const text = ['{"prompt": "hi"}', '', '{"messages": [{"role": "user", "content": "yo"}]}', '{"custom_id": "a", "body": {"messages": [{"role": "user", "content": "x"}]}}'].join('\n');
    const c = checkUpload('jobs.jsonl', text);
    expect(c.fields).toEqual({});
    expect(c.lines).toHaveLength(3);
    expect(c.lineErrors).toEqual([]);
  });

  it('reports bad lines with the file line numbers and the server parser messages', () => {
    const c = checkUpload('x', ['{"prompt": "ok"}', '{oops', '', '{"prompt": ""}'].join('\n'));
    expect(c.badLines).toBe(2);
    expect(c.lineErrors.map((e) => e.line)).toEqual([2, 4]);
    expect(c.lineErrors[0].message).toMatch(/not valid JSON/);
    expect(c.lineErrors[1].message).toMatch(/prompt: must not be empty/);
    expect(c.fields.lines).toMatch(/2 lines to fix/);
  });

  it('lets the good lines run when the user keeps the bad ones as result errors, unless none is good', () => {
    const text = ['{"prompt": "ok"}', '{oops', '{"prompt": "fine"}'].join('\n');
    const kept = checkUpload('x', text, true);
    expect(kept.fields).toEqual({});
    expect(kept.lines).toHaveLength(3); // the server numbers and reports the bad line itself
    expect(kept.badLines).toBe(1);
    expect(checkUpload('x', text).fields.lines).toMatch(/1 line to fix; nothing was uploaded/);
    expect(checkUpload('x', '{oops\n{"prompt": ""}', true).fields.lines).toBe('no valid line: 2 lines to fix');
  });

  it('puts the input schema errors on their fields', () => {
    expect(checkUpload('  ', '{"prompt": "x"}').fields.name).toBe('name is required');
    expect(checkUpload('x', '\n\n').fields.lines).toBe('the batch has no requests');
  });
});
