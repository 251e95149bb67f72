// Ratings from the chat page (thumbs up/down with a reason). Thin: the feedback module validates
// (ratingInputSchema), checks the rater may see the decision, and updates the success rollups.
// Added by the console so the chat journey works end to end; owned by the feedback/API engineers.
import { getPrisma } from '../../db/client';
import { feedbackService } from '../../feedback/service';
import { ratingInputSchema } from '../../feedback/schema';
import { authedProcedure, createTRPCRouter } from '../trpc';

export const feedbackRouter = createTRPCRouter({
  rate: authedProcedure
    .input(ratingInputSchema)
    .mutation(({ ctx, input }) => feedbackService(getPrisma()).rate({ id: ctx.principal.id, tenant: ctx.principal.tenant }, input)),
});
