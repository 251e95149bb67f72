// route.query: run one query through the gateway (non-streaming) and return the answer with its
// decision facts. The chat page streams through /api/chat/stream instead.
import { resolveKnownModel } from '../../gateway/resolve-model';
import { z } from 'zod';
import type { ChatMessage } from '../../tiers/types';
import { authedProcedure, createTRPCRouter } from '../trpc';

const message = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().trim().min(1, 'message must not be empty') });

export const routeQueryInput = z.object({
  prompt: z.string().trim().min(1, 'prompt must not be empty').max(200_000, 'prompt is too long'),
  /** Earlier turns of the conversation, oldest first. */
  history: z.array(message).max(100).default([]),
  system: z.string().max(20_000).optional(),
  /** "auto" routes; a tier name forces that tier. */
  model: z.string().min(1).default('auto'),
  maxTokens: z.number().int().positive().max(32_768).optional(),
});

export const routeRouter = createTRPCRouter({
  query: authedProcedure.input(routeQueryInput).mutation(async ({ ctx, input }) => {
    const model = resolveKnownModel(ctx.runtime.tiers, input.model);
    const messages: ChatMessage[] = [
      ...(input.system ? [{ role: 'system' as const, content: input.system }] : []),
      ...input.history,
      { role: 'user', content: input.prompt },
    ];
    const answer = await ctx.runtime.chat.complete(ctx.principal, { model, messages, max_tokens: input.maxTokens, source: 'trpc' });
    // The decision is on local disk (journal) before the answer leaves: a crash now loses nothing answered.
    await ctx.runtime.recorder.durable();
    return answer;
  }),
});
