// Offline evidence for the judge chain: for every recorded answer of a non-final tier, what each
// judge would see — the validators' and verifiers' verdicts, the answer-quality model's score (run
// by ONNX Runtime, trained out of fold on the training file), and a simulated judge tier that
// reports the recorded grade with noise, at a stated price.
import { fnv1a, mulberry32 } from '../../lib/random';
import { defaultPolicy } from '../../routing/policy';
import { checkAnswer } from '../../routing/validators';
import { buildQualityArtifacts } from '../artifact';
import { featurize, FEATURE_COUNT } from '../features';
import { QualityScorer } from '../scorer';
import { trainQuality, type Labeled, type TrainOptions } from '../train';
import { verifyAnswer } from '../verify';

export interface TierAnswer {
  model: string;
  score: number;
  cost: number;
  answer: string;
  /** A recorded 1–10 grade of this answer, when the data has one (what a judge tier would say). */
  rating: number | null;
}

export interface AnswerRow {
  id: string;
  prompt: string;
  /** Cheapest first; the last one is the final tier. */
  tiers: TierAnswer[];
}

export interface JudgeSim {
  /** Standard deviation of the judge's grade around the recorded one, in grade points (1–10 scale). */
  noise: number;
  inputPricePerM: number;
  outputPricePerM: number;
  /** Characters of rubric sent with every judge call, and tokens of its verdict. */
  rubricChars: number;
  verdictTokens: number;
  seed: number;
}

export interface AnswerEvidence {
  validators: { ok: true } | { ok: false; detail: string };
  verifiers: { ok: true; detail: string | null } | { ok: false; detail: string };
  model: number;
  judge: { score: number; costUsd: number } | null;
}

export const LABEL_AT = 0.5;

export function featuresOf(row: AnswerRow, t: TierAnswer): Float32Array {
  return featurize({ prompt: row.prompt, answer: t.answer }).values;
}

/** Labelled examples: every non-final tier's answer; acceptable = score >= LABEL_AT. */
export function labeled(rows: AnswerRow[], feats: Map<string, Float32Array[]>): Labeled[] {
  const out: Labeled[] = [];
  for (const r of rows) {
    const f = feats.get(r.id)!;
    for (let k = 0; k < r.tiers.length - 1; k++) out.push({ x: f[k], y: r.tiers[k].score >= LABEL_AT ? 1 : 0 });
  }
  return out;
}

export function featureTable(rows: AnswerRow[]): Map<string, Float32Array[]> {
  return new Map(rows.map((r) => [r.id, r.tiers.map((t, k) => (k < r.tiers.length - 1 ? featuresOf(r, t) : new Float32Array(FEATURE_COUNT)))]));
}

/** Trains on `train` and scores `rows` through ONNX Runtime: [row][tier] P(acceptable). */
export async function scoreWith(train: Labeled[], rows: AnswerRow[], feats: Map<string, Float32Array[]>, opts: TrainOptions): Promise<number[][]> {
  const model = trainQuality(train, opts);
  const a = buildQualityArtifacts(model, { acceptThreshold: null, training: { dataSha256: '', rows: train.length, positives: 0, sources: [], l2: opts.l2 ?? 0, labelAt: LABEL_AT }, metrics: {} });
  const scorer = await QualityScorer.create(a.onnxBytes, FEATURE_COUNT, a.meta.modelVersion);
  try {
    const flat = rows.flatMap((r) => feats.get(r.id)!.slice(0, r.tiers.length - 1));
    const s = await scorer.score(flat);
    let i = 0;
    return rows.map((r) => r.tiers.slice(0, -1).map(() => s[i++]));
  } finally {
    await scorer.close();
  }
}

/** Fold of an id: stable across runs and files (a hash, not the row order). */
// FNV-1a's low bits mix poorly (its low bit is the parity of the characters'), so the hash seeds a
// generator and the fold comes from the generator's first draw.
export const foldOf = (id: string, k: number, salt = 'fold') => Math.floor(mulberry32(fnv1a(`${salt}:${id}`))() * k);

/** Out-of-fold model scores on the training rows (each row scored by a model that never saw it). */
export async function outOfFold(rows: AnswerRow[], feats: Map<string, Float32Array[]>, k: number, opts: TrainOptions, salt = 'fold'): Promise<number[][]> {
  const out: number[][] = rows.map(() => []);
  for (let f = 0; f < k; f++) {
    const inFold = rows.map((r) => foldOf(r.id, k, salt) === f);
    const test = rows.filter((_, i) => inFold[i]);
    if (test.length === 0) continue;
    const s = await scoreWith(labeled(rows.filter((_, i) => !inFold[i]), feats), test, feats, opts);
    let j = 0;
    rows.forEach((_, i) => {
      if (inFold[i]) out[i] = s[j++];
    });
  }
  return out;
}

export function judgeCost(sim: JudgeSim, prompt: string, answer: string): number {
  const tokensIn = Math.ceil((sim.rubricChars + prompt.length + answer.trim().length) / 4);
  return (tokensIn * sim.inputPricePerM + sim.verdictTokens * sim.outputPricePerM) / 1e6;
}

export function buildEvidence(rows: AnswerRow[], scores: number[][], sim: JudgeSim | null): AnswerEvidence[][] {
  const validators = defaultPolicy().validators;
  return rows.map((r, i) => {
    const rand = sim ? mulberry32(fnv1a(`judge:${r.id}`, sim.seed)) : null;
    return r.tiers.slice(0, -1).map((t, k) => {
      const v = checkAnswer({ content: t.answer, finishReason: null }, validators);
      let judge: AnswerEvidence['judge'] = null;
      if (sim && rand && t.rating !== null) {
        // Box–Muller: a seeded normal draw per (item, tier), so every setting sees the same judge.
        const g = Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
        const grade = Math.min(10, Math.max(1, t.rating + sim.noise * g));
        judge = { score: (grade - 1) / 9, costUsd: judgeCost(sim, r.prompt, t.answer) };
      }
      return {
        validators: v.ok ? { ok: true } : { ok: false, detail: `${v.check}: ${v.detail}` },
        verifiers: verifyAnswer({ answer: t.answer }),
        model: scores[i][k],
        judge,
      };
    });
  });
}
