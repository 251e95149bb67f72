// The active answer-quality model, held so that a new version can replace it without a restart:
// requests read current() when they start, and the old session is released after a grace period
// long enough for requests already scoring with it.
import { loadQualityScorer, type QualityMeta } from './artifact';
import type { QualityScorer } from './scorer';

export interface AnswerModelHolder {
  current(): QualityScorer | null;
  meta(): QualityMeta | null;
  /** A candidate scored beside the active model on live traffic; its scores are recorded, never used. */
  shadow(): QualityScorer | null;
  setShadow(next: QualityScorer | null, graceMs?: number): void;
  /** Replaces the active model; the previous one is closed after `graceMs`. */
  swap(next: { scorer: QualityScorer; meta: QualityMeta }, graceMs?: number): void;
  close(): Promise<void>;
}

export function holdAnswerModel(initial: { scorer: QualityScorer; meta: QualityMeta } | null, onClose?: (err: unknown) => void): AnswerModelHolder {
  let active = initial;
  let shadow: QualityScorer | null = null;
  const retiring = new Set<QualityScorer>();
  const retire = (old: QualityScorer | undefined | null, graceMs: number) => {
    if (!old || old === active?.scorer || old === shadow) return;
    retiring.add(old);
    setTimeout(() => {
      retiring.delete(old);
      old.close().catch((e: unknown) => onClose?.(e));
    }, graceMs).unref();
  };
  return {
    current: () => active?.scorer ?? null,
    meta: () => active?.meta ?? null,
    shadow: () => shadow,
    swap(next, graceMs = 30_000) {
      const old = active?.scorer;
      active = next;
      retire(old, graceMs);
    },
    setShadow(next, graceMs = 30_000) {
      const old = shadow;
      shadow = next;
      retire(old, graceMs);
    },
    async close() {
      await Promise.all([...retiring, ...(active ? [active.scorer] : []), ...(shadow ? [shadow] : [])].map((s) => s.close()));
      retiring.clear();
      active = null;
      shadow = null;
    },
  };
}

/**
 * Loads models/answer-quality.onnx (+ .meta.json beside it). A missing or stale artifact is not
 * fatal: the server runs with the model judge abstaining, and says so once.
 */
export async function loadAnswerModel(modelPath: string, warn: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): Promise<AnswerModelHolder> {
  try {
    return holdAnswerModel(await loadQualityScorer(modelPath, modelPath.replace(/\.onnx$/, '') + '.meta.json'));
  } catch (e) {
    warn(`answer judges: no answer-quality model (${(e as Error).message}); the model judge abstains`);
    return holdAnswerModel(null);
  }
}
