// One retraining run against the database, shared by `npm run cascade -- retrain` and the scheduled
// training job: load what decisions kept in the window, find the active version (the registry's, else
// the artifact on disk), train and evaluate a candidate (retrain.ts), register it. Never promotes.
import { DEFAULT_META_PATH, DEFAULT_MODEL_PATH, loadArtifacts, paramsFromMeta, type Meta as ComplexityMeta } from '../complexity/artifact';
import { fromOnnx } from '../complexity/model';
import type { Actor } from '../contracts/stores';
import type { PrismaClient } from '../db/client';
import { modelRegistry, type ModelVersionView } from '../repos/models';
import { loadTrainingRows } from '../repos/training';
import { DEFAULT_QUALITY_META, DEFAULT_QUALITY_MODEL, loadQualityScorer, type QualityMeta } from './artifact';
import { basename } from 'node:path';
import { FEATURE_COUNT } from './features';
import { shippedExamples } from './pipeline';
import { retrainAnswerQuality, retrainComplexity, type ActiveClassifier, type Candidate, type Progress, type RetrainKind } from './retrain';
import { QualityScorer } from './scorer';
import { ANSWER_MODEL_KIND } from './watcher';

export const COMPLEXITY_MODEL_KIND = 'complexity';

export interface RetrainRunOptions {
  window: { from: Date; to: Date };
  /** false: train and evaluate only (a dry run); 'if-better': register only a candidate that beats the active version on the held-out slice. */
  register?: boolean | 'if-better';
  actor: Actor;
  progress?: Progress;
  minExamples?: number;
  /** The registry kind the candidate is compared with and registered as (default: the model's own; tests use their own). */
  registryKind?: string;
  /** Answer files (data/answers/*.jsonl) whose labelled answers the answer-quality candidate also trains on. */
  withShipped?: string[];
  /** Artifacts used when the registry has no active version of the kind. */
  files?: { answerModel?: string; answerMeta?: string; complexityModel?: string; complexityMeta?: string };
}

export interface RetrainRunResult {
  candidate: Candidate;
  registered: ModelVersionView | null;
  decisions: number;
}

async function activeAnswer(prisma: PrismaClient, kind: string, files: RetrainRunOptions['files']): Promise<{ scorer: QualityScorer | null; meta: QualityMeta | null }> {
  const reg = modelRegistry(prisma);
  const head = (await reg.heads(kind)).active;
  if (head) {
    const a = await reg.artifact(head.id);
    return { scorer: await QualityScorer.create(a.onnx, FEATURE_COUNT, head.version), meta: a.meta as unknown as QualityMeta };
  }
  try {
    return await loadQualityScorer(files?.answerModel ?? DEFAULT_QUALITY_MODEL, files?.answerMeta ?? DEFAULT_QUALITY_META);
  } catch {
    return { scorer: null, meta: null }; // no active model: the candidate is measured alone
  }
}

/** The active classifier and the versions whose recorded features it can read (same feature parameters). */
async function activeClassifier(prisma: PrismaClient, kind: string, files: RetrainRunOptions['files']): Promise<{ active: ActiveClassifier; compatible: Set<string> }> {
  const reg = modelRegistry(prisma);
  const head = (await reg.heads(kind)).active;
  let active: ActiveClassifier;
  if (head) {
    const a = await reg.artifact(head.id);
    const meta = a.meta as unknown as ComplexityMeta;
    active = { version: head.version, model: fromOnnx(a.onnx), params: paramsFromMeta(meta), meta };
  } else {
    const l = loadArtifacts(files?.complexityModel ?? DEFAULT_MODEL_PATH, files?.complexityMeta ?? DEFAULT_META_PATH);
    active = { version: l.meta.modelVersion, model: l.model, params: l.params, meta: l.meta };
  }
  const compatible = new Set([active.version]);
  const idf = active.meta.features.idfBase64;
  for (const v of await reg.list(kind, 200)) {
    const meta = (await reg.artifact(v.id)).meta as unknown as ComplexityMeta;
    if (meta.features?.idfBase64 === idf) compatible.add(v.version);
  }
  // The shipped artifact's version, when the registry's versions were retrained from it.
  const retrainedFrom = active.meta.metrics?.retrainedFrom;
  if (typeof retrainedFrom === 'string') compatible.add(retrainedFrom);
  return { active, compatible };
}

/** Held-out AUC (answer-quality) or macro-F1 (complexity) above the active version's; without an active score, any figure. */
export function beatsActive(c: Candidate): boolean {
  const m = c.metrics as { candidate?: Record<string, number | null>; active?: Record<string, number | string | null> | null };
  const key = c.kind === 'answer-quality' ? 'auc' : 'macroF1';
  const mine = m.candidate?.[key];
  const theirs = m.active?.[key];
  if (typeof mine !== 'number') return false;
  return typeof theirs !== 'number' || mine > theirs;
}

export async function retrainFromDecisions(prisma: PrismaClient, kind: RetrainKind, opts: RetrainRunOptions): Promise<RetrainRunResult> {
  const progress = opts.progress ?? (() => undefined);
  progress({ stage: 'loading', done: 0, total: 1 });
  const rows = await loadTrainingRows(prisma, opts.window);
  progress({ stage: 'loading', done: 1, total: 1 });
  let candidate: Candidate;
  const registryKind = opts.registryKind ?? (kind === 'answer-quality' ? ANSWER_MODEL_KIND : COMPLEXITY_MODEL_KIND);
  if (kind === 'answer-quality') {
    const active = await activeAnswer(prisma, registryKind, opts.files);
    try {
      const base = opts.withShipped?.length ? { examples: shippedExamples(opts.withShipped), sources: opts.withShipped.map((f) => basename(f)) } : undefined;
      candidate = await retrainAnswerQuality(rows, opts.window, active, { progress, minExamples: opts.minExamples, base });
    } finally {
      await active.scorer?.close();
    }
  } else {
    const { active, compatible } = await activeClassifier(prisma, registryKind, opts.files);
    candidate = retrainComplexity(rows, opts.window, active, { progress, minExamples: opts.minExamples, compatible });
  }
  const register = opts.register === 'if-better' ? beatsActive(candidate) : opts.register !== false;
  const registered = !register ? null : await modelRegistry(prisma).register({ kind: registryKind, version: candidate.version, onnx: candidate.onnx, meta: candidate.meta, metrics: candidate.metrics, dataWindow: candidate.dataWindow }, opts.actor);
  return { candidate, registered, decisions: rows.length };
}
