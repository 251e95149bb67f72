// Whatever JSON a client sends, the doors' schemas answer with issues (a 400), never a throw (a 500):
// their cross-field checks run on half-valid bodies too.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { embeddingsSchema } from './embeddings';
import { messagesRequestSchema } from './messages-schema';
import { responsesRequestSchema } from './responses-schema';

const odd = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.constant([]), fc.constant([{}]), fc.constant({}),
  fc.constant([{ role: 'user' }]), fc.constant([{ role: 'user', content: [{ type: 'tool_result' }] }]), fc.constant([{ type: 'function' }]),
  fc.constant([{ name: 'f', input_schema: 1 }]), fc.constant({ type: 'tool' }), fc.constant({ format: { type: 'json_schema' } }), fc.constant([{ type: 'function_call_output' }]),
);
const body = fc.record({ model: odd, messages: odd, max_tokens: odd, tools: odd, tool_choice: odd, input: odd, text: odd, system: odd }, { requiredKeys: [] });

it('never throws on malformed bodies', () => {
  fc.assert(
    fc.property(body, (b) => {
      for (const schema of [messagesRequestSchema, responsesRequestSchema, embeddingsSchema]) expect(() => schema.safeParse(b)).not.toThrow();
    }),
    { numRuns: 2000 },
  );
});
