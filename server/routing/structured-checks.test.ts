// Validators are compiled once per schema text, whatever object the request parsed it into: an
// agent sends the same tools every turn, and each request's JSON is parsed into new objects.
import { describe, expect, it } from 'vitest';
import { checkJsonSchema, compiledSchemas, schemaValidator } from './structured-checks';

const weather = () => ({ $id: 'https://example.test/weather.json', type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false });

describe('schemaValidator', () => {
  it('returns the same compiled validator for equal schemas parsed into different objects', () => {
    const a = schemaValidator(JSON.parse(JSON.stringify(weather())) as object);
    const b = schemaValidator(JSON.parse(JSON.stringify(weather())) as object);
    expect(a).not.toBeInstanceOf(Error);
    expect(b).toBe(a);
  });

  it('compiles a schema with an $id again after its text changed (ajv would refuse the reused $id)', () => {
    const first = schemaValidator(weather());
    const changed = { ...weather(), required: [] };
    const second = schemaValidator(changed);
    expect(first).not.toBeInstanceOf(Error);
    expect(second).not.toBeInstanceOf(Error);
    expect((second as (v: unknown) => boolean)({})).toBe(true);
    expect((first as (v: unknown) => boolean)({})).toBe(false);
  });

  it('checks json_schema answers with the cached validator', () => {
    const format = () => ({ type: 'json_schema' as const, json_schema: { name: 'w', schema: weather() } });
    expect(checkJsonSchema('{"city":"Paris"}', format())).toBeNull();
    expect(checkJsonSchema('{"town":"Paris"}', format())).toMatch(/city|additional/);
  });

  it('keeps at most a bounded number of compiled schemas', () => {
    for (let i = 0; i < 2000; i++) expect(schemaValidator({ type: 'object', properties: { [`p${i}`]: { type: 'number' } } })).not.toBeInstanceOf(Error);
    expect(compiledSchemas()).toBeLessThanOrEqual(512);
  });
});
