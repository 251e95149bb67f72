// Sends a rating through tRPC `feedback.rate` (input: server/feedback/schema.ts ratingInputSchema).
import type { RatingReason } from '@/server/feedback/schema';
import { callMutation } from './untyped-trpc';

export { RATING_REASONS, type RatingReason } from '@/server/feedback/schema';

export async function sendRating(input: { decisionId: string; rating: 'up' | 'down'; reason?: RatingReason }): Promise<void> {
  await callMutation('feedback.rate', input);
}
