// The zod schema of an OpenAI Responses API request (POST /v1/responses): `input` as a string or
// items (messages with input_text / input_image / input_file / output_text parts, function calls and
// their outputs, references to earlier items), function tools in the flat shape, `text.format`.
// Other fields are kept and forwarded to the tier; cross-field rules are in the superRefine.
import { z } from 'zod';
import { schemaValidator } from '../../routing/structured-checks';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const nameField = (what: string) => z.string().regex(NAME, `${what} must be 1-64 letters, digits, underscores or dashes`);

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().regex(/^(https?:\/\/|data:image\/[a-z0-9.+-]+;base64,)/i, 'image_url must be an http(s) URL or a data:image/…;base64 URL').nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high']).optional(),
}).refine((p) => p.image_url || p.file_id, 'input_image needs image_url or file_id');
const inputFile = z.object({ type: z.literal('input_file'), file_data: z.string().optional(), file_id: z.string().nullish(), file_url: z.string().optional(), filename: z.string().optional() });
const outputText = z.object({ type: z.literal('output_text'), text: z.string(), annotations: z.array(z.unknown()).optional() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });

export const contentPart = z.discriminatedUnion('type', [inputText, inputImage, inputFile, outputText, refusal], {
  error: 'content part type must be input_text, input_image, input_file, output_text or refusal',
});

const messageItem = z.object({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer'], { error: 'role must be user, assistant, system or developer' }),
  content: z.union([z.string(), z.array(contentPart)], { error: 'content must be a string or an array of content parts' }),
  status: z.string().optional(),
});
const functionCallItem = z.object({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string({ error: 'a function_call needs call_id' }).min(1),
  name: nameField('function name'),
  arguments: z.string({ error: 'arguments must be a JSON string' }),
  status: z.string().optional(),
});
const functionOutputItem = z.object({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  call_id: z.string({ error: 'a function_call_output needs call_id' }).min(1),
  output: z.union([z.string(), z.array(contentPart)], { error: 'output must be a string or an array of content parts' }),
  status: z.string().nullish(),
});
const itemReference = z.object({ type: z.literal('item_reference'), id: z.string().min(1) });
// Reasoning items of earlier turns: kept out of what the tier sees (a Chat Completions tier has no place for them).
const reasoningItem = z.looseObject({ type: z.literal('reasoning') });

const item = z.union([messageItem, functionCallItem, functionOutputItem, itemReference, reasoningItem], {
  error: 'input items must be messages, function_call, function_call_output, item_reference or reasoning',
});

export const responsesTool = z.object({
  type: z.literal('function', { error: 'only function tools are served (type "function")' }),
  name: nameField('function name'),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown(), { error: 'parameters must be a JSON schema object' }).nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string() }),
], { error: 'tool_choice must be "none", "auto", "required" or {"type":"function","name":…}' });

const format = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: nameField('text.format.name'),
    schema: z.record(z.string(), z.unknown(), { error: 'text.format.schema must be a JSON schema object' }),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
], { error: 'text.format.type must be text, json_object or json_schema' });

export const responsesRequestSchema = z
  .looseObject({
    model: z.string({ error: 'model is required (use "auto" to let Cascade route)' }).min(1, 'model must not be empty'),
    input: z.union([z.string().min(1, 'input must not be empty'), z.array(item).min(1, 'input must not be empty')], { error: 'input must be a string or an array of items' }),
    instructions: z.string().nullish(),
    previous_response_id: z.string().nullish(),
    stream: z.boolean().nullish(),
    max_output_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    tools: z.array(responsesTool).max(128, 'at most 128 tools').nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    text: z.object({ format: format.optional(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).nullish(),
    metadata: z.record(z.string().max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 16, 'metadata holds at most 16 pairs').nullish(),
    store: z.boolean().nullish(),
    user: z.string().optional(),
    reasoning: z.object({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high']).nullish(), summary: z.string().nullish() }).nullish(),
    seed: z.number().int().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    include: z.array(z.string()).nullish(),
    truncation: z.enum(['auto', 'disabled']).nullish(),
    service_tier: z.string().nullish(),
    background: z.literal(false, { error: 'background responses are not served' }).nullish(),
    stream_options: z.unknown().optional(),
    prompt_cache_key: z.string().optional(),
    safety_identifier: z.string().optional(),
  })
  .superRefine((b, ctx) => {
    const names = new Set<string>();
    b.tools?.forEach((t, i) => {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tools', i, 'name'], message: `function ${t.name} is offered twice` });
      names.add(t.name);
      const v = t.parameters ? schemaValidator(t.parameters) : null;
      if (v instanceof Error) ctx.addIssue({ code: 'custom', path: ['tools', i, 'parameters'], message: `not a valid JSON schema: ${v.message.slice(0, 120)}` });
    });
    const choice = b.tool_choice;
    if (choice && choice !== 'none' && choice !== 'auto' && names.size === 0) ctx.addIssue({ code: 'custom', path: ['tool_choice'], message: 'tool_choice needs tools' });
    if (choice && typeof choice === 'object' && !names.has(choice.name)) ctx.addIssue({ code: 'custom', path: ['tool_choice', 'name'], message: `${choice.name} is not among the offered tools` });
    const f = b.text?.format;
    if (f?.type === 'json_schema') {
      const v = schemaValidator(f.schema);
      if (v instanceof Error) ctx.addIssue({ code: 'custom', path: ['text', 'format', 'schema'], message: `not a valid JSON schema: ${v.message.slice(0, 120)}` });
    }
  });

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesItem = z.infer<typeof item>;
export type ResponsesPart = z.infer<typeof contentPart>;

/** The fields the schema names; any other key is forwarded to the tier as it came. */
export const RESPONSES_FIELDS: ReadonlySet<string> = new Set(Object.keys(responsesRequestSchema.shape));
