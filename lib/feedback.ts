// Sends a rating through tRPC `feedback.rate` ({ decisionId, rating: 'up' | 'down', reason? }).
// Called over plain HTTP (tRPC's wire format with superjson) rather than the typed client because
// the feedback router is owned by the feedback module and may land after the console; a missing
// procedure shows as a clear error instead of breaking the build.
export const RATING_REASONS = ['wrong', 'incomplete', 'unsafe', 'too_slow', 'other'] as const;
export type RatingReason = (typeof RATING_REASONS)[number];

export async function sendRating(input: { decisionId: string; rating: 'up' | 'down'; reason?: RatingReason }): Promise<void> {
  const res = await fetch('/api/trpc/feedback.rate', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: input }),
  });
  if (res.ok) return;
  let message = `Rating failed (${res.status}).`;
  try {
    const body = (await res.json()) as { error?: { json?: { message?: string }; message?: string } };
    message = body.error?.json?.message ?? body.error?.message ?? message;
  } catch {
    /* not JSON: keep the status */
  }
  throw new Error(message);
}
