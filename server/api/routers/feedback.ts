// Ratings from the chat page (thumbs up/down with a reason). Thin: the feedback module validates
// (ratingInputSchema), checks the rater may see the decision, and updates the success rollups.
// Added by the console so the chat journey works end to end; owned by the feedback/API engineers.
import { ratingInputSchema } from '../../feedback/schema';
import { authedProcedure, createTRPCRouter } from '../trpc';

export const feedbackRouter = createTRPCRouter({
  rate: authedProcedure
    .input(ratingInputSchema)
    // Through the runtime's port: after the rating it also evicts a thumbed-down cache entry and feeds the analyzer's history.
    .mutation(({ ctx, input }) => ctx.runtime.feedback.rate(ctx.principal, input)),
});
