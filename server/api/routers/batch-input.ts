// The batch upload's input, shared by the tRPC router and the console's upload form (same zod
// schema on both sides). Each line is then checked by server/batch/parse.ts, also on both sides.
import { z } from 'zod';
import { MAX_LINES } from '../../batch/parse';

export const batchCreateInput = z.object({
  name: z.string().trim().min(1, 'name is required').max(200, 'at most 200 characters'),
  lines: z.array(z.unknown()).min(1, 'the batch has no requests').max(MAX_LINES, `at most ${MAX_LINES} requests per batch`),
});
export type BatchCreateInput = z.infer<typeof batchCreateInput>;
