// Checks of structured answers: tool calls against the tools the client offered (known function,
// arguments that are JSON and valid against the function's schema, tool_choice and
// parallel_tool_calls honoured), and json_schema answers against their schema. A failure is a bad
// answer like an empty one: the request escalates. Schemas compile once (ajv) and are cached by
// their JSON text, bounded: every request parses its tools into new objects, and an agent sends the
// same tools on every turn.
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ChatRequest, ToolCall } from '../tiers/types';

const options = { strict: false, allErrors: false, validateSchema: true };
const ajv = new Ajv(options);
// Schemas that declare draft 2020-12 (zod 4's toJSONSchema does, so LangChain's and the AI SDK's
// tools and structured outputs do) need its meta-schema and keywords (prefixItems, $defs, …).
const ajv2020 = new Ajv2020(options);
// ajv-formats is CommonJS: its function is the default export under ESM, or under .default when transpiled.
const applyFormats = (addFormats as unknown as { default?: typeof addFormats }).default ?? addFormats;
applyFormats(ajv);
applyFormats(ajv2020);
/** Compiled validators by schema text, least recently used first. */
const compiled = new Map<string, ValidateFunction | Error>();
const MAX_COMPILED = 512;

/** How many compiled validators are kept (bounded by MAX_COMPILED). */
export const compiledSchemas = (): number => compiled.size;

/** The compiled validator of a JSON schema, or the reason it does not compile. */
export function schemaValidator(schema: object): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (v) {
    compiled.delete(key);
    compiled.set(key, v);
    return v;
  }
  const declared = (schema as { $schema?: unknown }).$schema;
  const engine = typeof declared === 'string' && declared.includes('2020-12') ? ajv2020 : ajv;
  try {
    v = engine.compile(schema);
  } catch (err) {
    v = err instanceof Error ? err : new Error(String(err));
  } finally {
    // ajv keeps every schema it compiled (by object, and by $id): without this each request's
    // tools would stay in memory for good, and a second schema with the same $id would not compile.
    engine.removeSchema(schema);
  }
  compiled.set(key, v);
  if (compiled.size > MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  return v;
}

function firstError(v: ValidateFunction): string {
  const e = v.errors?.[0];
  return e ? `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}` : 'does not match the schema';
}

/** The schema object of a json_schema response format, when it has one. */
export function responseSchema(format: ChatRequest['response_format']): object | null {
  if (format?.type !== 'json_schema') return null;
  const schema = (format.json_schema as { schema?: unknown } | undefined)?.schema;
  return schema && typeof schema === 'object' ? schema : null;
}

/** Why a json_schema answer (already valid JSON) fails its schema, or null. */
export function checkJsonSchema(content: string, format: ChatRequest['response_format']): string | null {
  const schema = responseSchema(format);
  if (!schema) return null;
  const v = schemaValidator(schema);
  if (v instanceof Error) return null; // rejected at parse time; nothing to hold the answer to
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return null; // the JSON check reports it
  }
  return v(value) ? null : `the answer does not match the response schema: ${firstError(v)}`;
}

export type ToolRequest = Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>;

/** Why the tool calls of an answer are not what the request allows, or null. */
export function checkToolCalls(calls: readonly ToolCall[] | undefined, req: ToolRequest): string | null {
  const n = calls?.length ?? 0;
  const choice = req.tool_choice;
  if (n === 0) {
    if (choice === 'required') return 'tool_choice is "required" but the answer called no tool';
    if (choice && typeof choice === 'object') return `tool_choice names ${choice.function.name} but the answer called no tool`;
    return null;
  }
  if (choice === 'none') return 'the answer called a tool though tool_choice is "none"';
  if (!req.tools || req.tools.length === 0) return 'the answer called a tool though the request offered none';
  if (req.parallel_tool_calls === false && n > 1) return `the answer called ${n} tools at once though parallel_tool_calls is false`;
  for (const call of calls!) {
    const name = call.function.name;
    if (choice && typeof choice === 'object' && choice.function.name !== name) return `tool_choice names ${choice.function.name} but the answer called ${name}`;
    const tool = req.tools.find((t) => t.function.name === name);
    if (!tool) return `the answer called ${JSON.stringify(name.slice(0, 64))}, which is not among the offered tools`;
    let args: unknown;
    try {
      args = JSON.parse(call.function.arguments);
    } catch {
      return `the arguments of ${name} are not valid JSON`;
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args)) return `the arguments of ${name} are not a JSON object`;
    const schema = tool.function.parameters;
    if (schema) {
      const v = schemaValidator(schema);
      if (!(v instanceof Error) && !v(args)) return `the arguments of ${name} do not match its parameters: ${firstError(v)}`;
    }
  }
  return null;
}
