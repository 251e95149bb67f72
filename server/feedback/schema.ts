// Validation of ratings and implicit signals (zod), shared by tRPC, HTTP and the chat page.
import { z } from 'zod';
import { withoutNul } from '../lib/text-storage';
import { FeedbackError } from './errors';

export const RATING_REASONS = ['wrong', 'incomplete', 'unsafe', 'too_slow', 'other'] as const;
export type RatingReason = (typeof RATING_REASONS)[number];

/** Signals recorded without anyone pressing a button. */
export const IMPLICIT_SIGNALS = ['escalation', 'error', 'regenerate', 'cache_thumbs_down'] as const;
export type ImplicitSignal = (typeof IMPLICIT_SIGNALS)[number];

const decisionId = z.string().uuid('decisionId must be a decision id (UUID)');

export const ratingInputSchema = z
  .object({
    decisionId,
    /** Thumbs up or down; 1 / -1 are accepted too. */
    rating: z.union([z.enum(['up', 'down']), z.literal(1), z.literal(-1)]),
    reason: z.enum(RATING_REASONS).optional(),
    comment: z.string().trim().max(2000, 'comment is limited to 2000 characters').transform(withoutNul).optional(),
  })
  .strict();
export type RatingInput = z.input<typeof ratingInputSchema>;

export const signalInputSchema = z
  .object({
    decisionId,
    signal: z.enum(IMPLICIT_SIGNALS),
    detail: z.string().max(500).transform(withoutNul).optional(),
  })
  .strict();
export type SignalInput = z.input<typeof signalInputSchema>;

/** Parses or throws a bad_request FeedbackError naming each offending field. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
  throw new FeedbackError('bad_request', `invalid feedback: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
