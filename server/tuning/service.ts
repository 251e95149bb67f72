// The tuner service: one run reads recent ratings and traffic, checks the last tuner change for a
// significant drop in success (and rolls it back), then proposes or applies new thresholds according
// to the policy's tuner mode (off / propose / auto). Scheduling (every N minutes) is the caller's.
import type { PrismaClient } from '../db/client';
import { versionSuccess } from '../feedback/rollup';
import type { Actor } from '../contracts/stores';
import type { EstimatorOptions } from './estimate';
import { tuneAcceptThreshold, type AcceptTuneResult, type JudgedBand } from './accept-threshold';
import { tuneCacheThreshold, type CacheTuneResult } from './cache-threshold';
import { recentAcceptedRatings, recentCacheHitRatings, recentPopulation, recentRatings, repeatedRatings, tierPrices } from './data';
import { agreementOf, estimateNoise, type NoisePrior } from './noise';
import { checkRollbackStrata, type RollbackOptions } from './rollback';
import { tuneThresholds, type TuneEvidence } from './tuner';
import type { Policy } from '../routing/policy';
import type { Thresholds } from './types';
import { activePolicy, createVersion, json, TUNER_ACTOR, TunerError } from './versions';

export { TunerError };

export interface TunerServiceOptions {
  ratingsLimit?: number;
  /** Rated semantic cache hits read per run (newest first). */
  cacheRatingsLimit?: number;
  populationLimit?: number;
  rollback?: RollbackOptions;
  estimator?: EstimatorOptions;
  /**
   * Rater noise: estimated from the agreement of decisions rated by several raters (default), with
   * this prior if given (e.g. from a labelling audit); `false` turns the correction off.
   */
  raterNoise?: NoisePrior | false;
}

/** The routing-threshold evidence plus, when the cache tuner ran, its own. */
export type RunEvidence = TuneEvidence & {
  cache?: CacheTuneResult['evidence'] & { from: number; to: number; changed: boolean; reason: string };
  /** Per cascading band, the answer-side accept threshold's own evidence. */
  accept?: Partial<Record<JudgedBand, AcceptTuneResult['evidence'] & { from: number; to: number; changed: boolean; reason: string }>>;
};

export type TunerRun =
  | { action: 'off' | 'skipped' | 'kept'; reason: string; evidence?: RunEvidence }
  | { action: 'proposed'; proposalId: string; thresholds: Thresholds; similarityThreshold: number; reason: string; evidence: RunEvidence }
  | { action: 'applied'; proposalId: string; version: number; thresholds: Thresholds; similarityThreshold: number; reason: string; evidence: RunEvidence }
  | { action: 'rolled_back'; proposalId: string; version: number; reason: string };

interface ProposalBody {
  from: Thresholds;
  to: Thresholds;
  /** cache.similarityThreshold before / after; absent in proposals that did not move it (and older ones). */
  cache?: { from: number; to: number };
  /** answerJudging[band].acceptThreshold before / after, for the bands it moved. */
  accept?: Partial<Record<JudgedBand, { from: number; to: number }>>;
}

/** The active document with a proposal's values (`to` side, or `from` for a rollback) applied. */
function withBody(doc: Policy, body: ProposalBody, side: 'from' | 'to'): Policy {
  const next: Policy = { ...doc, thresholds: body[side] };
  if (body.cache) next.cache = { ...doc.cache, similarityThreshold: body.cache[side] };
  if (body.accept) {
    const aj = { ...doc.answerJudging };
    for (const [band, v] of Object.entries(body.accept) as [JudgedBand, { from: number; to: number }][]) {
      // The accept threshold may not fall below the band's uncertain-band floor (schema rule).
      aj[band] = { ...aj[band], acceptThreshold: v[side], uncertainBelow: Math.min(aj[band].uncertainBelow, v[side]) };
    }
    next.answerJudging = aj;
  }
  return next;
}

export function tunerService(prisma: PrismaClient, opts: TunerServiceOptions = {}) {
  /** If the active version came from an applied tuner proposal and success fell significantly, revert it. */
  async function rollbackIfWorse(): Promise<TunerRun | null> {
    const active = await activePolicy(prisma);
    if (!active) return null;
    const p = await prisma.tunerProposal.findFirst({ where: { status: 'applied', toVersion: active.version } });
    if (!p) return null;
    // Answered traffic and cache hits are judged separately (see checkRollbackStrata).
    const [mb, ma, hb, ha] = await Promise.all([
      versionSuccess(prisma, p.fromVersion, 'misses'),
      versionSuccess(prisma, active.version, 'misses'),
      versionSuccess(prisma, p.fromVersion, 'hits'),
      versionSuccess(prisma, active.version, 'hits'),
    ]);
    const verdict = checkRollbackStrata({ before: mb, after: ma }, { before: hb, after: ha }, opts.rollback);
    if (!verdict.rollback) return null;
    const body = p.proposal as unknown as ProposalBody;
    const what = ['thresholds', ...(body.cache ? ['cache similarity threshold'] : []), ...(body.accept ? ['accept thresholds'] : [])].join(' and ');
    const reason = `tuner rollback of v${active.version} to the ${what} of v${p.fromVersion}: ${verdict.reason}`;
    const version = await prisma.$transaction(async (tx) => {
      // Only what the tuner moved goes back: the rest of the active document is what v{active} had.
      const v = await createVersion(tx, withBody(active.document, body, 'from'), reason, TUNER_ACTOR, 'policy.tuner.rollback', active.version);
      await tx.tunerProposal.update({ where: { id: p.id }, data: { status: 'rolled_back', reason, evidence: json({ ...(p.evidence as object), rollback: verdict }) } });
      return v;
    });
    return { action: 'rolled_back', proposalId: p.id, version, reason };
  }

  async function run(): Promise<TunerRun> {
    const active = await activePolicy(prisma);
    if (!active) return { action: 'skipped', reason: 'no active policy' };
    const cfg = active.document.tuner;
    if (cfg.mode === 'off') return { action: 'off', reason: 'tuner mode is off' };
    const rolled = await rollbackIfWorse();
    // After a rollback, wait for ratings under the restored thresholds before moving again.
    if (rolled) return rolled;
    const prices = await tierPrices(prisma, active.document);
    if (!prices) return { action: 'skipped', reason: 'the small, medium or large target names a tier that does not exist: no prices to optimise' };
    const [ratings, population, cacheRatings, acceptedRatings, repeated] = await Promise.all([
      recentRatings(prisma, active.document, opts.ratingsLimit ?? 20_000),
      recentPopulation(prisma, prices, opts.populationLimit ?? 20_000),
      recentCacheHitRatings(prisma, opts.cacheRatingsLimit ?? 20_000),
      recentAcceptedRatings(prisma, opts.cacheRatingsLimit ?? 20_000),
      opts.raterNoise === false ? Promise.resolve([]) : repeatedRatings(prisma, opts.ratingsLimit ?? 20_000),
    ]);
    // The service's own prior, else the policy's (admin-set); `false` turns the correction off.
    const policyPrior = cfg.raterNoise !== undefined ? { noise: cfg.raterNoise } : undefined;
    const raterNoise = opts.raterNoise === false ? undefined : estimateNoise(agreementOf(repeated), opts.raterNoise ?? policyPrior);
    const thresholdResult = tuneThresholds({ current: active.document.thresholds, config: cfg, ratings, population, estimator: opts.estimator, raterNoise });
    // Same target and guardrails as the routing thresholds; the policy schema bounds it to 0.5..1.
    const simFrom = active.document.cache.similarityThreshold;
    const cacheResult = tuneCacheThreshold(simFrom, cacheRatings, { target: cfg.target, minSamples: cfg.minSamples, maxStep: cfg.maxStep, noise: raterNoise?.noise });
    // The answer-side accept threshold of each cascading band, from ratings of the answers it let through.
    const accept: NonNullable<RunEvidence['accept']> = {};
    const acceptMoves: NonNullable<ProposalBody['accept']> = {};
    const acceptReasons: string[] = [];
    for (const band of ['small', 'medium', 'large'] as const) {
      const b = active.document.answerJudging[band];
      if (b.mode === 'route' || !b.judges.includes('model')) continue;
      const r = tuneAcceptThreshold(b.acceptThreshold, acceptedRatings.filter((x) => x.band === band), { target: cfg.target, minSamples: cfg.minSamples, maxStep: cfg.maxStep, noise: raterNoise?.noise });
      accept[band] = { ...r.evidence, from: b.acceptThreshold, to: r.threshold, changed: r.changed, reason: r.reason };
      if (r.changed) acceptMoves[band] = { from: b.acceptThreshold, to: r.threshold };
      acceptReasons.push(r.changed ? `${band} accept threshold ${b.acceptThreshold}→${r.threshold} (${r.reason})` : `${band} accept threshold kept (${r.reason})`);
    }
    const evidence: RunEvidence = {
      ...thresholdResult.evidence,
      cache: { ...cacheResult.evidence, from: simFrom, to: cacheResult.threshold, changed: cacheResult.changed, reason: cacheResult.reason },
      ...(Object.keys(accept).length ? { accept } : {}),
    };
    const cacheReason = cacheResult.changed ? `cache similarity ${simFrom}→${cacheResult.threshold} (${cacheResult.reason})` : `cache similarity kept (${cacheResult.reason})`;
    const acceptChanged = Object.keys(acceptMoves).length > 0;
    const result = {
      thresholds: thresholdResult.thresholds,
      similarityThreshold: cacheResult.threshold,
      changed: thresholdResult.changed || cacheResult.changed || acceptChanged,
      reason: [thresholdResult.reason, cacheReason, ...acceptReasons].join('; '),
      evidence,
    };
    if (!result.changed) return { action: 'kept', reason: result.reason, evidence };
    const body: ProposalBody = { from: active.document.thresholds, to: result.thresholds };
    if (cacheResult.changed) body.cache = { from: simFrom, to: cacheResult.threshold };
    if (acceptChanged) body.accept = acceptMoves;
    if (cfg.mode === 'propose') {
      const proposalId = await prisma.$transaction(async (tx) => {
        // One open proposal per policy version: a fresher one supersedes it.
        await tx.tunerProposal.updateMany({ where: { status: 'pending' }, data: { status: 'rejected', reason: 'superseded by a newer proposal', decidedAt: new Date() } });
        const p = await tx.tunerProposal.create({ data: { fromVersion: active.version, proposal: json(body), evidence: json(evidence), reason: result.reason } });
        return p.id;
      });
      return { action: 'proposed', proposalId, thresholds: result.thresholds, similarityThreshold: result.similarityThreshold, reason: result.reason, evidence };
    }
    const reason = `tuner: ${result.reason}`;
    const applied = await prisma.$transaction(async (tx) => {
      const v = await createVersion(tx, withBody(active.document, body, 'to'), reason, TUNER_ACTOR, 'policy.tuner.apply', active.version);
      const p = await tx.tunerProposal.create({
        data: { fromVersion: active.version, toVersion: v, proposal: json(body), evidence: json(evidence), reason: result.reason, status: 'applied', decidedAt: new Date() },
      });
      return { proposalId: p.id, version: v };
    }).catch((err: unknown) => {
      if (err instanceof TunerError && err.code === 'conflict') return err;
      throw err;
    });
    if (applied instanceof TunerError) return { action: 'skipped', reason: applied.message };
    return { action: 'applied', proposalId: applied.proposalId, version: applied.version, thresholds: result.thresholds, similarityThreshold: result.similarityThreshold, reason, evidence };
  }

  /** An admin approves a pending proposal: it becomes a new policy version if the policy has not moved since. */
  async function approve(proposalId: string, actor: Actor): Promise<{ version: number }> {
    return prisma.$transaction(async (tx) => {
      const p = await tx.tunerProposal.findUnique({ where: { id: proposalId } });
      if (!p) throw new TunerError('not_found', `tuner proposal ${proposalId} does not exist`);
      if (p.status !== 'pending') throw new TunerError('conflict', `tuner proposal ${proposalId} is ${p.status}, not pending`);
      const active = await activePolicy(tx);
      if (!active || active.version !== p.fromVersion) {
        throw new TunerError('conflict', `the policy changed since the proposal (v${p.fromVersion} → v${active?.version ?? 'none'}); wait for a fresh proposal`);
      }
      const body = p.proposal as unknown as ProposalBody;
      const v = await createVersion(tx, withBody(active.document, body, 'to'), `tuner proposal approved: ${p.reason}`, actor, 'policy.tuner.approve', p.fromVersion);
      const claimed = await tx.tunerProposal.updateMany({ where: { id: p.id, status: 'pending' }, data: { status: 'applied', toVersion: v, decidedById: actor.id, decidedAt: new Date() } });
      if (claimed.count !== 1) throw new TunerError('conflict', `tuner proposal ${proposalId} was decided concurrently`);
      return { version: v };
    });
  }

  async function reject(proposalId: string, actor: Actor, reason: string): Promise<void> {
    const r = await prisma.tunerProposal.updateMany({ where: { id: proposalId, status: 'pending' }, data: { status: 'rejected', reason: reason || 'rejected by an admin', decidedById: actor.id, decidedAt: new Date() } });
    if (r.count === 0) {
      const exists = await prisma.tunerProposal.findUnique({ where: { id: proposalId }, select: { status: true } });
      throw exists ? new TunerError('conflict', `tuner proposal ${proposalId} is ${exists.status}, not pending`) : new TunerError('not_found', `tuner proposal ${proposalId} does not exist`);
    }
  }

  return { run, approve, reject, rollbackIfWorse };
}

export type TunerService = ReturnType<typeof tunerService>;
