import { z } from 'zod';
import { compileRuleRegex } from './rule-regex';

// The routing policy document. Stored as immutable versions in Postgres; exactly one is
// active. Validated with this schema on the server and in the policy editor (same schema).

export const ROUTE_TARGETS = ['small', 'medium', 'large', 'research'] as const;
export type RouteTarget = (typeof ROUTE_TARGETS)[number];

const tierRef = z.string().min(1, 'tier name is required');

export const ruleSchema = z.object({
  id: z.string().min(1),
  description: z.string().max(200).default(''),
  match: z.object({
    keyword: z.string().min(1).optional(),
    regex: z.string().min(1).optional(),
    apiKeyId: z.string().optional(),
    maxCostBelowUsd: z.number().nonnegative().optional(),
    responseFormat: z.enum(['json_object', 'json_schema', 'text']).optional(),
  }),
  action: z.discriminatedUnion('type', [
    z.object({ type: z.literal('force'), target: z.enum(ROUTE_TARGETS) }),
    z.object({ type: z.literal('forbid'), target: z.enum(ROUTE_TARGETS) }),
  ]),
});

/** The judges of the answer-side cascade, in the order they run (cheapest first). */
export const JUDGE_NAMES = ['validators', 'verifiers', 'model', 'self_consistency', 'judge_tier'] as const;
export type JudgeName = (typeof JUDGE_NAMES)[number];
export const CASCADE_MODES = ['route', 'cascade', 'hybrid'] as const;

const BAND_JUDGING_DEFAULT = {
  mode: 'route' as const,
  judges: ['validators', 'verifiers', 'model'] as JudgeName[],
  // The threshold that reached 95 % of the large tier's quality (80 % confidence) out of fold on the shipped answer
  // data (models/answer-quality.meta.json, accept_threshold_at_95); the tuner moves it from ratings.
  acceptThreshold: 0.72,
  uncertainBelow: 0.3,
  judgeAcceptScore: 0.78,
  hybridMaxScore: 0.55,
  stream: 'hold' as const,
};

/**
 * How one band answers. route: the prompt score picks the tier (escalating only on failed checks).
 * cascade: answer on the cheapest allowed tier first, judge the answer, escalate when it is judged
 * bad. hybrid: cascade when the prompt score is below hybridMaxScore (the cheap try is likely to be
 * worth it), route otherwise.
 */
export const bandJudgingSchema = z
  .object({
    mode: z.enum(CASCADE_MODES).default('route'),
    judges: z.array(z.enum(JUDGE_NAMES)).max(JUDGE_NAMES.length).default(BAND_JUDGING_DEFAULT.judges),
    /** The answer-quality model's P(acceptable) at or above which the answer is delivered. */
    acceptThreshold: z.number().min(0).max(1).default(BAND_JUDGING_DEFAULT.acceptThreshold),
    /** Model scores in [uncertainBelow, acceptThreshold) go on to self-consistency / the judge tier. */
    uncertainBelow: z.number().min(0).max(1).default(BAND_JUDGING_DEFAULT.uncertainBelow),
    /** The judge tier's grade (0..1, from its 1–10 rating) at or above which it accepts. */
    judgeAcceptScore: z.number().min(0).max(1).default(BAND_JUDGING_DEFAULT.judgeAcceptScore),
    hybridMaxScore: z.number().min(0).max(1).default(BAND_JUDGING_DEFAULT.hybridMaxScore),
    /** hold: the cheap answer is held until judged; unjudged: streamed at once, judged for the record only. */
    stream: z.enum(['hold', 'unjudged']).default('hold'),
  })
  .superRefine((b, ctx) => {
    if (b.uncertainBelow > b.acceptThreshold) ctx.addIssue({ code: 'custom', path: ['uncertainBelow'], message: 'uncertainBelow must not exceed acceptThreshold' });
  });

export const budgetSchema = z.object({
  apiKeyId: z.string().min(1, 'choose an API key'),
  /** USD per calendar month. */
  monthlyUsd: z.number().nonnegative('budget must not be negative'),
  /** Share of the budget after which requests are routed one tier cheaper. */
  downgradeAt: z.number().min(0).max(1).default(0.8),
});

/** Per-key request and token rate limits (per minute, shared by all replicas when REDIS_URL is set). */
export const rateLimitSchema = z
  .object({
    apiKeyId: z.string().min(1, 'choose an API key'),
    requestsPerMinute: z.number().int().positive('requests per minute must be at least 1').optional(),
    tokensPerMinute: z.number().int().positive('tokens per minute must be at least 1').optional(),
  })
  .refine((r) => r.requestsPerMinute !== undefined || r.tokensPerMinute !== undefined, { message: 'set requests or tokens per minute', path: ['requestsPerMinute'] });

/**
 * What is kept of each decision for retraining the models, and for how long. off (the default):
 * nothing beyond the decision itself. features: the complexity classifier's feature vector and the
 * judged answers' answer-quality features (numbers, no text), for retentionDays. fullText: API keys
 * whose requests also keep the messages and the judged answers' text, each for its own retention
 * (and their features at least as long). The training job deletes what is past its time.
 */
export const trainingSchema = z
  .object({
    keep: z.enum(['off', 'features']).default('off'),
    retentionDays: z.number().int().min(1, 'keep features at least a day').max(3650).default(90),
    fullText: z
      .array(
        z.object({
          apiKeyId: z.string().min(1, 'choose an API key'),
          retentionDays: z.number().int().min(1, 'keep text at least a day').max(365, 'full text is kept at most a year').default(30),
        }),
      )
      .default([]),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    for (const [i, f] of t.fullText.entries()) {
      if (seen.has(f.apiKeyId)) ctx.addIssue({ code: 'custom', path: ['fullText', i, 'apiKeyId'], message: 'this API key is listed twice' });
      seen.add(f.apiKeyId);
    }
  });
export type TrainingPolicy = z.infer<typeof trainingSchema>;

const policyObject = z
  .object({
    thresholds: z.object({
      t1: z.number().min(0).max(1),
      t2: z.number().min(0).max(1),
      t3: z.number().min(0).max(1),
    }),
    /** Which tier (by name) serves each band target; research uses the pipeline's tiers. */
    targets: z.object({ small: tierRef, medium: tierRef, large: tierRef }),
    /** Escalation chain after each target, tier names in order. */
    escalation: z.object({
      small: z.array(tierRef).default([]),
      medium: z.array(tierRef).default([]),
      large: z.array(tierRef).default([]),
    }),
    research: z
      .object({
        enabled: z.boolean().default(true),
        planner: tierRef.optional(),
        worker: tierRef.optional(),
        synthesizer: tierRef.optional(),
        maxSubQuestions: z.number().int().min(1).max(12).default(5),
        parallelism: z.number().int().min(1).max(16).default(3),
      })
      .default({ enabled: true, maxSubQuestions: 5, parallelism: 3 }),
    rules: z.array(ruleSchema).default([]),
    apiKeyOverrides: z
      .array(
        z.object({
          apiKeyId: z.string().min(1, 'choose an API key'),
          thresholds: z.object({ t1: z.number(), t2: z.number(), t3: z.number() }).partial(),
          /** This key's cache similarity threshold (the cache is scoped per tenant anyway); absent = the policy's. */
          cacheSimilarityThreshold: z.number().min(0.5).max(1).optional(),
        }),
      )
      .default([]),
    budgets: z.array(budgetSchema).default([]),
    rateLimits: z.array(rateLimitSchema).default([]),
    validators: z
      .object({
        empty: z.boolean().default(true),
        refusal: z.boolean().default(true),
        truncated: z.boolean().default(true),
        json: z.boolean().default(true),
        minLogprob: z.number().max(0).nullable().default(null),
      })
      .default({ empty: true, refusal: true, truncated: true, json: true, minLogprob: null }),
    /** The answer-side cascade per target band, and the tier that judges answers (role 'judge'). */
    answerJudging: z
      .object({
        small: bandJudgingSchema.default(BAND_JUDGING_DEFAULT),
        medium: bandJudgingSchema.default(BAND_JUDGING_DEFAULT),
        large: bandJudgingSchema.default(BAND_JUDGING_DEFAULT),
        judgeTier: tierRef.nullable().default(null),
      })
      .default({ small: BAND_JUDGING_DEFAULT, medium: BAND_JUDGING_DEFAULT, large: BAND_JUDGING_DEFAULT, judgeTier: null }),
    training: trainingSchema.default({ keep: 'off', retentionDays: 90, fullText: [] }),
    /** Spill to the next tier when a tier's queue is deeper than this. */
    spill: z.object({ maxQueue: z.number().int().min(0).default(32) }).default({ maxQueue: 32 }),
    cache: z
      .object({
        enabled: z.boolean().default(true),
        // 0.75 is the value tuned for the built-in local embedder on data/cache-pairs (0 false hits, see
        // server/cache/README.md); a real embedding tier warrants its own tuning.
        similarityThreshold: z.number().min(0.5).max(1).default(0.75),
        ttlSeconds: z.number().int().min(0).default(7 * 24 * 3600),
        allowConversations: z.boolean().default(false),
        maxTemperature: z.number().min(0).max(2).default(0.7),
      })
      .default({ enabled: true, similarityThreshold: 0.75, ttlSeconds: 604800, allowConversations: false, maxTemperature: 0.7 }),
    tuner: z
      .object({
        mode: z.enum(['off', 'propose', 'auto']).default('propose'),
        target: z.number().min(0).max(1).default(0.9),
        exploration: z.number().min(0).max(0.2).default(0.05),
        minSamples: z.number().int().min(1).default(200),
        maxStep: z.number().min(0).max(1).default(0.05),
        floor: z.number().min(0).max(1).default(0.05),
        ceiling: z.number().min(0).max(1).default(0.95),
        /**
         * Prior rater flip rate (e.g. from a labelling audit), worth 100 pairs of repeated ratings next
         * to the agreement the tuner measures itself; absent = agreement alone (server/tuning/noise.ts).
         */
        raterNoise: z.number().min(0).max(0.45).optional(),
      })
      .default({ mode: 'propose', target: 0.9, exploration: 0.05, minSamples: 200, maxStep: 0.05, floor: 0.05, ceiling: 0.95 }),
  })
  .superRefine((p, ctx) => {
    const { t1, t2, t3 } = p.thresholds;
    if (!(t1 < t2)) ctx.addIssue({ code: 'custom', path: ['thresholds', 't2'], message: 't2 must be greater than t1' });
    if (!(t2 < t3)) ctx.addIssue({ code: 'custom', path: ['thresholds', 't3'], message: 't3 must be greater than t2' });
    for (const band of ['small', 'medium', 'large'] as const) {
      const chain = [p.targets[band], ...p.escalation[band]];
      const seen = new Set<string>();
      for (const [i, name] of chain.entries()) {
        if (seen.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['escalation', band, Math.max(0, i - 1)], message: `escalation chain of ${band} visits ${name} twice (cycle)` });
        }
        seen.add(name);
      }
    }
    for (const band of ['small', 'medium', 'large'] as const) {
      if (p.answerJudging[band].judges.includes('judge_tier') && !p.answerJudging.judgeTier) {
        ctx.addIssue({ code: 'custom', path: ['answerJudging', band, 'judges'], message: 'the judge_tier judge needs answerJudging.judgeTier (a tier with role "judge")' });
      }
    }
  });

/**
 * A policy as it is saved (editor, API, tuner): every rule regex must compile on RE2 semantics.
 * `storedPolicySchema` reads versions already in Postgres, which may hold a pattern written for the
 * old backtracking engine; such a rule never matches (rules.ts) until the policy is saved again.
 */
export const policySchema = policyObject.superRefine((p, ctx) => {
  for (const [i, r] of p.rules.entries()) {
    if (r.match.regex === undefined) continue;
    const c = compileRuleRegex(r.match.regex);
    if (!c.ok) {
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'match', 'regex'], message: `invalid regular expression (RE2 syntax: no backreferences or lookaround): ${c.reason}` });
    }
  }
});
export const storedPolicySchema = policyObject;

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** The policy a fresh install starts with: tiers named as the embedded simulated tiers. */
export function defaultPolicy(): Policy {
  return policySchema.parse({
    thresholds: { t1: 0.3, t2: 0.55, t3: 0.8 },
    targets: { small: 'small', medium: 'medium', large: 'large' },
    escalation: { small: ['medium', 'large'], medium: ['large'], large: [] },
    research: { enabled: true, planner: 'large', worker: 'medium', synthesizer: 'large' },
  });
}

/** The per-key override of `apiKeyId` in this policy, if any (thresholds, cache similarity). */
export function keyOverride(policy: Policy, apiKeyId: string | null | undefined): Policy['apiKeyOverrides'][number] | undefined {
  return apiKeyId ? policy.apiKeyOverrides.find((x) => x.apiKeyId === apiKeyId) : undefined;
}

/** What the policy keeps of a request by this key for training: nothing, features, or features and text. */
export function trainingKeep(policy: Policy, apiKeyId: string | null | undefined): 'off' | 'features' | 'full' {
  if (apiKeyId && policy.training.fullText.some((f) => f.apiKeyId === apiKeyId)) return 'full';
  return policy.training.keep;
}
