// The verifiers judge: re-checks what can be re-checked and rejects only on a definite fault —
// a wrong arithmetic step, or JSON that breaks the schema the client asked for. Softer findings
// (final answer not following the last step, a code block that does not parse) are features of
// the learned model instead, because valid answers show them too.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { checkArithmetic } from './arithmetic';
import { lastMarkerEnd } from './final-answer';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: false }));
const compiled = new Map<string, ValidateFunction | string>();
const MAX_SCHEMAS = 200;

/** The JSON schema the client passed in response_format (OpenAI shape: {json_schema: {schema}}), if any. */
export function schemaOf(responseFormat: { type: string; json_schema?: unknown } | undefined): object | null {
  if (responseFormat?.type !== 'json_schema') return null;
  const js = responseFormat.json_schema as { schema?: unknown } | undefined;
  return js && typeof js.schema === 'object' && js.schema !== null ? (js.schema as object) : null;
}

/** null = valid; otherwise why not. A schema ajv cannot compile is not the answer's fault: valid. */
export function checkJsonSchema(content: string, schema: object): string | null {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (v === undefined) {
    try {
      v = ajv.compile(schema);
    } catch (e) {
      v = `schema does not compile: ${(e as Error).message}`;
    }
    if (compiled.size >= MAX_SCHEMAS) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, v);
  }
  if (typeof v === 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return 'the answer is not JSON';
  }
  if (v(value)) return null;
  const e = v.errors?.[0];
  return `JSON does not match the schema: ${e ? `${e.instancePath || '/'} ${e.message ?? ''}`.trim() : 'invalid'}`;
}

export interface VerifyInput {
  answer: string;
  schema?: object | null;
}

export function verifyAnswer(input: VerifyInput): { ok: true; detail: string | null } | { ok: false; detail: string } {
  if (input.schema) {
    const problem = checkJsonSchema(input.answer, input.schema);
    if (problem) return { ok: false, detail: problem };
    return { ok: true, detail: 'JSON matches the schema' };
  }
  const end = lastMarkerEnd(input.answer);
  const a = checkArithmetic(end >= 0 ? input.answer.slice(0, end) : input.answer);
  if (a.wrong > 0) return { ok: false, detail: `${a.wrong} of ${a.checked} arithmetic steps are wrong (${a.firstWrong})` };
  return { ok: true, detail: a.checked ? `${a.checked} arithmetic steps check out` : null };
}
