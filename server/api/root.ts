// The tRPC app router. The browser client imports only the AppRouter type.
import { createCallerFactory, createTRPCRouter } from './trpc';
import { accountRouter } from './routers/account';
import { analyticsRouter } from './routers/analytics';
import { apiKeysRouter } from './routers/api-keys';
import { batchRouter } from './routers/batch';
import { decisionsRouter } from './routers/decisions';
import { feedbackRouter } from './routers/feedback';
import { policyRouter } from './routers/policy';
import { routeRouter } from './routers/route';
import { tiersRouter } from './routers/tiers';
import { modelsRouter } from './routers/models';
import { qualityRouter, tunerRouter } from './routers/tuner';
import { usersRouter } from './routers/users';

export const appRouter = createTRPCRouter({
  route: routeRouter,
  decisions: decisionsRouter,
  tiers: tiersRouter,
  policy: policyRouter,
  apiKeys: apiKeysRouter,
  users: usersRouter,
  account: accountRouter,
  analytics: analyticsRouter,
  batch: batchRouter,
  feedback: feedbackRouter,
  tuner: tunerRouter,
  models: modelsRouter,
  quality: qualityRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
