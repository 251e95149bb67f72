// The active answer-quality model, held so that a new version can replace it without a restart:
// requests read current() when they start, and the old session is released after a grace period
// long enough for requests already scoring with it.
import { loadQualityScorer, type QualityMeta } from './artifact';
import type { QualityScorer } from './scorer';

export interface AnswerModelHolder {
  current(): QualityScorer | null;
  meta(): QualityMeta | null;
  /** Replaces the active model; the previous one is closed after `graceMs`. */
  swap(next: { scorer: QualityScorer; meta: QualityMeta }, graceMs?: number): void;
  close(): Promise<void>;
}

export function holdAnswerModel(initial: { scorer: QualityScorer; meta: QualityMeta } | null, onClose?: (err: unknown) => void): AnswerModelHolder {
  let active = initial;
  const retiring = new Set<QualityScorer>();
  return {
    current: () => active?.scorer ?? null,
    meta: () => active?.meta ?? null,
    swap(next, graceMs = 30_000) {
      const old = active?.scorer;
      active = next;
      if (!old) return;
      retiring.add(old);
      setTimeout(() => {
        retiring.delete(old);
        old.close().catch((e: unknown) => onClose?.(e));
      }, graceMs).unref();
    },
    async close() {
      await Promise.all([...retiring, ...(active ? [active.scorer] : [])].map((s) => s.close()));
      retiring.clear();
      active = null;
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
