// The zod schema of an OpenAI Chat Completions request: every documented field and message shape.
// Fields Cascade reads are type-checked here; unknown fields are kept (the parser forwards them to
// the tier). Cross-field rules (tool_choice names an offered tool, schemas compile, …) are in the
// superRefine at the end, so each error names the parameter at fault.
import { z } from 'zod';
import { schemaValidator } from '../routing/structured-checks';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const nameField = (what: string) => z.string().regex(NAME, `${what} must be 1-64 letters, digits, underscores or dashes`);

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().refine((u) => /^(https?:\/\/|data:image\/[a-z0-9.+-]+;base64,)/i.test(u), 'image_url.url must be an http(s) URL or a data:image/…;base64 URL'),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const audioPart = z.object({ type: z.literal('input_audio'), input_audio: z.object({ data: z.string().min(1, 'input_audio.data must not be empty'), format: z.enum(['wav', 'mp3']) }) });
const filePart = z.object({
  type: z.literal('file'),
  file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }).refine((f) => f.file_data || f.file_id, 'file needs file_data or file_id'),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const partsOf = <T extends z.ZodType>(part: T, what: string) => z.array(part, { error: `content must be a string or an array of ${what}` }).min(1, 'content parts must not be empty');
const userPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart], { error: 'content part type must be text, image_url, input_audio or file' });

export const toolCallSchema = z.object({
  id: z.string().min(1, 'tool call id must not be empty'),
  type: z.literal('function', { error: 'tool call type must be "function"' }),
  function: z.object({ name: nameField('function name'), arguments: z.string({ error: 'function.arguments must be a JSON string' }) }),
});

const contentError = (what: string) => ({ error: `content must be a string or an array of ${what}` });
const systemMessage = z.object({ role: z.enum(['system', 'developer']), content: z.union([z.string(), partsOf(textPart, 'text parts')], contentError('text parts')), name: z.string().optional() });
const userMessage = z.object({ role: z.literal('user'), content: z.union([z.string(), partsOf(userPart, 'content parts')], contentError('content parts')), name: z.string().optional() });
const assistantMessage = z
  .object({
    role: z.literal('assistant'),
    content: z.union([z.string(), partsOf(z.discriminatedUnion('type', [textPart, refusalPart]), 'text or refusal parts')], contentError('text or refusal parts')).nullish(),
    name: z.string().optional(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCallSchema).optional(),
    function_call: z.object({ name: z.string(), arguments: z.string() }).nullish(),
    audio: z.object({ id: z.string() }).nullish(),
  })
  .refine((m) => (m.content !== null && m.content !== undefined) || (m.tool_calls?.length ?? 0) > 0 || !!m.function_call || !!m.refusal || !!m.audio, {
    message: 'an assistant message needs content, tool_calls, function_call or refusal',
    path: ['content'],
  });
const toolMessage = z.object({
  role: z.literal('tool'),
  content: z.union([z.string(), partsOf(textPart, 'text parts')], contentError('text parts')),
  tool_call_id: z.string({ error: 'a tool message needs tool_call_id' }).min(1, 'tool_call_id must not be empty'),
});
const functionMessage = z.object({ role: z.literal('function'), content: z.string().nullable(), name: z.string({ error: 'a function message needs name' }).min(1) });

export const messageSchema = z.discriminatedUnion('role', [systemMessage, userMessage, assistantMessage, toolMessage, functionMessage], {
  error: 'role must be one of system, developer, user, assistant, tool, function',
});

export const toolSchema = z.object({
  type: z.literal('function', { error: 'tool type must be "function"' }),
  function: z.object({
    name: nameField('function name'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown(), { error: 'function.parameters must be a JSON schema object' }).optional(),
    strict: z.boolean().nullish(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
], { error: 'tool_choice must be "none", "auto", "required" or {"type":"function","function":{"name":…}}' });

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: nameField('json_schema.name'),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown(), { error: 'json_schema.schema must be a JSON schema object' }).optional(),
      strict: z.boolean().nullish(),
    }, { error: 'response_format json_schema needs a json_schema object' }),
  }),
], { error: 'response_format.type must be text, json_object or json_schema' });

const penalty = z.number().min(-2).max(2);

export const chatCompletionSchema = z
  .looseObject({
    model: z.string({ error: 'model is required (use "auto" to let Cascade route)' }).min(1, 'model must not be empty'),
    messages: z.array(messageSchema, { error: 'messages is required and must be an array' }).min(1, 'messages must contain at least one message'),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    n: z.number().int().min(1).max(128).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4, 'stop takes at most 4 sequences')]).nullish(),
    response_format: responseFormatSchema.nullish(),
    user: z.string().optional(),
    safety_identifier: z.string().optional(),
    prompt_cache_key: z.string().optional(),
    tools: z.array(toolSchema).max(128, 'at most 128 tools').nullish(),
    tool_choice: toolChoiceSchema.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    seed: z.number().int().nullish(),
    frequency_penalty: penalty.nullish(),
    presence_penalty: penalty.nullish(),
    logit_bias: z.record(z.string().regex(/^\d+$/, 'logit_bias keys are token ids'), z.number().min(-100).max(100)).nullish(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high']).nullish(),
    verbosity: z.enum(['low', 'medium', 'high']).nullish(),
    metadata: z.record(z.string().max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 16, 'metadata holds at most 16 pairs').nullish(),
    modalities: z.array(z.enum(['text', 'audio'])).nullish(),
    store: z.boolean().nullish(),
    service_tier: z.string().nullish(),
  })
  .superRefine((b, ctx) => {
    const names = new Set<string>();
    b.tools?.forEach((t, i) => {
      if (names.has(t.function.name)) ctx.addIssue({ code: 'custom', path: ['tools', i, 'function', 'name'], message: `function ${t.function.name} is offered twice` });
      names.add(t.function.name);
      if (t.function.parameters && schemaValidator(t.function.parameters) instanceof Error) {
        ctx.addIssue({ code: 'custom', path: ['tools', i, 'function', 'parameters'], message: `not a valid JSON schema: ${(schemaValidator(t.function.parameters) as Error).message.slice(0, 120)}` });
      }
    });
    const choice = b.tool_choice;
    if (choice && choice !== 'none' && names.size === 0) ctx.addIssue({ code: 'custom', path: ['tool_choice'], message: 'tool_choice needs tools' });
    if (choice && typeof choice === 'object' && names.size > 0 && !names.has(choice.function.name)) {
      ctx.addIssue({ code: 'custom', path: ['tool_choice', 'function', 'name'], message: `${choice.function.name} is not among the offered tools` });
    }
    if (b.top_logprobs != null && !b.logprobs) ctx.addIssue({ code: 'custom', path: ['top_logprobs'], message: 'top_logprobs needs logprobs: true' });
    const rf = b.response_format;
    if (rf?.type === 'json_schema' && rf.json_schema.schema && schemaValidator(rf.json_schema.schema) instanceof Error) {
      ctx.addIssue({ code: 'custom', path: ['response_format', 'json_schema', 'schema'], message: `not a valid JSON schema: ${(schemaValidator(rf.json_schema.schema) as Error).message.slice(0, 120)}` });
    }
    if (b.stream && (b.n ?? 1) > 1) ctx.addIssue({ code: 'custom', path: ['n'], message: 'n > 1 is served without stream: true only' });
    b.messages.forEach((m, i) => {
      if (m.role !== 'tool') return;
      const prev = b.messages.slice(0, i).reverse().find((x) => x.role === 'assistant');
      const ids = prev && prev.role === 'assistant' ? (prev.tool_calls ?? []).map((c) => c.id) : [];
      if (!ids.includes(m.tool_call_id)) ctx.addIssue({ code: 'custom', path: ['messages', i, 'tool_call_id'], message: `no earlier assistant tool call has the id ${JSON.stringify(m.tool_call_id.slice(0, 64))}` });
    });
  });

export type ChatCompletionBody = z.infer<typeof chatCompletionSchema>;
export type WireMessage = z.infer<typeof messageSchema>;

/** The fields the schema names; any other key of a request is forwarded to the tier as it came. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(chatCompletionSchema.shape));
