// Tier administration. Every change reloads the in-memory tier directory so routing sees it at once.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { TIER_ROLES } from '../../tiers/types';
import { TIER_KINDS, tierApiKey, tierBaseUrl, tierCapabilities, tierModel, tierName, tierRequestFields } from '../../tiers/tier-input';
import type { Actor } from '../../contracts/stores';
import type { Principal } from '../../contracts/principal';
import { adminProcedure, authedProcedure, createTRPCRouter } from '../trpc';
import { liveTier } from './tiers-live';

export const tierInput = z.object({
  name: tierName,
  role: z.enum(TIER_ROLES),
  kind: z.enum(TIER_KINDS).default('openai'),
  baseUrl: tierBaseUrl,
  model: tierModel,
  apiKey: tierApiKey,
  inputPricePerM: z.number().nonnegative('price must not be negative').max(10_000),
  outputPricePerM: z.number().nonnegative('price must not be negative').max(10_000),
  maxConcurrency: z.number().int().min(1).max(10_000).default(16),
  capabilities: tierCapabilities.optional(),
  requestFields: tierRequestFields.optional(),
  timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  enabled: z.boolean().default(true),
});

export function actorOf(p: Principal): Actor {
  return { id: p.userId, label: p.kind === 'apiKey' ? `api-key:${p.name}` : p.name };
}

export const tiersRouter = createTRPCRouter({
  /** Names of the enabled chat tiers, for model pickers (any signed-in user). */
  available: authedProcedure.query(({ ctx }) =>
    ctx.runtime.tiers
      .list()
      .filter((t) => t.enabled && t.role !== 'embedding')
      .map((t) => ({ name: t.name, role: t.role, kind: t.kind, inputPricePerM: t.inputPricePerM, outputPricePerM: t.outputPricePerM, vision: t.capabilities?.vision ?? false })),
  ),

  list: adminProcedure.query(({ ctx }) => ctx.runtime.stores.tiers.list()),

  /** Live health, queue and load per tier from the running gateway (the tiers page polls it). */
  live: adminProcedure.query(({ ctx }) => {
    const reg = ctx.runtime.tierRegistry;
    reg.states(); // keeps the vLLM scraper following the tier list
    // cheapest first, like the configuration table below it
    const tiers = reg.list().filter((t) => t.role !== 'embedding').sort((a, b) => a.inputPricePerM - b.inputPricePerM || a.name.localeCompare(b.name));
    return {
      at: new Date(),
      tiers: tiers.map((t) =>
        liveTier(t, {
          breaker: (n) => reg.client(n)?.breaker,
          admission: (n) => reg.admission.state(n),
          scrape: (n) => (reg.scraper ? { fresh: reg.scraper.load(n), status: reg.scraper.statusOf(n), maxModelLen: reg.scraper.contextTokens(n) } : undefined),
        }),
      ),
    };
  }),

  create: adminProcedure.input(tierInput).mutation(async ({ ctx, input }) => {
    const tier = await ctx.runtime.stores.tiers.create(input, actorOf(ctx.principal));
    await ctx.runtime.tiers.reload();
    return tier;
  }),

  update: adminProcedure.input(z.object({ id: z.string().min(1), patch: tierInput.partial() })).mutation(async ({ ctx, input }) => {
    const tier = await ctx.runtime.stores.tiers.update(input.id, input.patch, actorOf(ctx.principal));
    await ctx.runtime.tiers.reload();
    return tier;
  }),

  disable: adminProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const tier = await ctx.runtime.stores.tiers.disable(input.id, actorOf(ctx.principal));
    await ctx.runtime.tiers.reload();
    return tier;
  }),

  /** Calls the tier's /models (and a tiny chat) to check URL, key and model before routing to it. */
  testConnection: adminProcedure
    .input(z.union([z.object({ id: z.string().min(1) }), z.object({ draft: tierInput })]))
    .mutation(async ({ ctx, input }) => {
      if ('id' in input) {
        const cfg = await ctx.runtime.stores.tiers.config(input.id);
        if (!cfg) throw new TRPCError({ code: 'NOT_FOUND', message: `No tier ${input.id}.` });
        return ctx.runtime.testTier(cfg);
      }
      return ctx.runtime.testTier({ ...input.draft, id: 'draft', apiKey: input.draft.apiKey ?? null });
    }),
});
