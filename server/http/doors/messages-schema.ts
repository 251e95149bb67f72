// The zod schema of an Anthropic Messages API request (POST /v1/messages). Fields Cascade translates
// are type-checked; other fields are kept and forwarded to the tier (the parser decides which).
// Cross-field rules (tool_choice names an offered tool, tool results answer earlier tool uses) are in
// the superRefine, so each error names the parameter at fault.
import { z } from 'zod';
import { schemaValidator } from '../../routing/structured-checks';

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const cacheControl = z.looseObject({ type: z.string() }).nullish();
const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl, citations: z.unknown().optional() });
const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']), data: z.string().min(1, 'image data must not be empty') }),
    z.object({ type: z.literal('url'), url: z.string().regex(/^https?:\/\//i, 'image url must be http(s)') }),
  ], { error: 'image source type must be base64 or url' }),
  cache_control: cacheControl,
});
const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1, 'tool_use id must not be empty'),
  name: z.string().regex(NAME, 'tool name must be 1-64 letters, digits, underscores or dashes'),
  input: z.record(z.string(), z.unknown(), { error: 'tool_use input must be an object' }),
  cache_control: cacheControl,
});
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string({ error: 'a tool_result needs tool_use_id' }).min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock], { error: 'tool_result content blocks must be text or image' }))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});
// Earlier assistant turns may carry thinking blocks: kept out of what the tier sees.
const thinkingBlock = z.looseObject({ type: z.enum(["thinking", "redacted_thinking"]) });

const userBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolResultBlock], { error: 'user content blocks must be text, image or tool_result' });
const assistantBlock = z.discriminatedUnion('type', [textBlock, toolUseBlock, thinkingBlock], { error: 'assistant content blocks must be text, tool_use or thinking' });

const content = <T extends z.ZodType>(block: T) => z.union([z.string(), z.array(block).min(1, 'content blocks must not be empty')], { error: 'content must be a string or an array of content blocks' });

export const anthropicMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: content(userBlock) }),
  z.object({ role: z.literal('assistant'), content: content(assistantBlock) }),
], { error: 'role must be user or assistant' });

const customTool = z.object({
  type: z.literal('custom').optional(),
  name: z.string().regex(NAME, 'tool name must be 1-64 letters, digits, underscores or dashes'),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown(), { error: 'input_schema must be a JSON schema object' }),
  cache_control: cacheControl,
}, { error: 'a tool needs name and input_schema (server tools are not served)' });

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
], { error: 'tool_choice.type must be auto, any, tool or none' });

export const messagesRequestSchema = z
  .looseObject({
    model: z.string({ error: 'model is required (use "auto" to let Cascade route)' }).min(1, 'model must not be empty'),
    messages: z.array(anthropicMessage, { error: 'messages is required and must be an array' }).min(1, 'messages must contain at least one message'),
    max_tokens: z.number({ error: 'max_tokens is required' }).int().positive('max_tokens must be at least 1'),
    system: z.union([z.string(), z.array(textBlock)], { error: 'system must be a string or an array of text blocks' }).optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(0).optional(),
    metadata: z.object({ user_id: z.string().max(256).nullish() }).optional(),
    tools: z.array(customTool).max(128, 'at most 128 tools').optional(),
    tool_choice: toolChoice.optional(),
    thinking: z.unknown().optional(),
    service_tier: z.string().optional(),
  })
  .superRefine((b, ctx) => {
    const names = new Set<string>();
    b.tools?.forEach((t, i) => {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tools', i, 'name'], message: `tool ${t.name} is offered twice` });
      names.add(t.name);
      const v = schemaValidator(t.input_schema);
      if (v instanceof Error) ctx.addIssue({ code: 'custom', path: ['tools', i, 'input_schema'], message: `not a valid JSON schema: ${v.message.slice(0, 120)}` });
    });
    const choice = b.tool_choice;
    if (choice && choice.type !== 'none' && choice.type !== 'auto' && names.size === 0) ctx.addIssue({ code: 'custom', path: ['tool_choice'], message: 'tool_choice needs tools' });
    if (choice?.type === 'tool' && !names.has(choice.name)) ctx.addIssue({ code: 'custom', path: ['tool_choice', 'name'], message: `${choice.name} is not among the offered tools` });
    if (b.messages[0] && b.messages[0].role !== 'user') ctx.addIssue({ code: 'custom', path: ['messages', 0, 'role'], message: 'the first message must be a user message' });
    const used = new Set<string>();
    b.messages.forEach((m, i) => {
      if (typeof m.content === 'string') return;
      m.content.forEach((block, j) => {
        if (block.type === 'tool_use') used.add((block as { id: string }).id);
        if (block.type === 'tool_result' && !used.has(block.tool_use_id)) {
          ctx.addIssue({ code: 'custom', path: ['messages', i, 'content', j, 'tool_use_id'], message: `no earlier tool_use has the id ${JSON.stringify(block.tool_use_id.slice(0, 64))}` });
        }
      });
    });
  });

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type AnthropicMessage = z.infer<typeof anthropicMessage>;

/** The fields the schema names; any other key is forwarded to the tier as it came. */
export const MESSAGES_FIELDS: ReadonlySet<string> = new Set(Object.keys(messagesRequestSchema.shape));
