// Keeps every replica's answer-quality model in step with the registry: each replica polls the
// registry's heads (ids only), and when the active or shadow version changed it loads the bytes,
// opens an ONNX Runtime session and swaps it into the holder — no restart, requests in flight keep
// the session they started with. An empty registry leaves the artifact loaded from disk in place.
import { FEATURE_NAMES } from './features';
import type { QualityMeta } from './artifact';
import type { AnswerModelHolder } from './holder';
import { QualityScorer } from './scorer';
import { serialized } from '../lib/serial';

export const ANSWER_MODEL_KIND = 'answer-quality';

/** What the watcher needs of the registry (server/repos/models.ts implements it). */
export interface ModelHeadsSource {
  heads(kind: string): Promise<{ active: { id: string; version: string } | null; shadow: { id: string; version: string } | null }>;
  artifact(id: string): Promise<{ onnx: Uint8Array; meta: Record<string, unknown> }>;
}

async function open(src: ModelHeadsSource, id: string, version: string): Promise<{ scorer: QualityScorer; meta: QualityMeta }> {
  const a = await src.artifact(id);
  const meta = a.meta as unknown as QualityMeta;
  // A version trained on other features cannot score this featurizer's rows: refuse it loudly.
  if (!Array.isArray(meta.features) || meta.features.join() !== FEATURE_NAMES.join()) throw new Error(`model ${version} was trained on other features than this server computes`);
  return { scorer: await QualityScorer.create(a.onnx, FEATURE_NAMES.length, version), meta };
}

export function watchAnswerModel(src: ModelHeadsSource, holder: AnswerModelHolder, opts: { refreshMs?: number; warn?: (msg: string) => void; kind?: string } = {}) {
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  let shadowVersion: string | null = null;
  // A notice that arrives during a refresh gets a refresh of its own after it (it may name a change
  // the running one read too early to see).
  const refresh = serialized(async () => {
    try {
      const h = await src.heads(opts.kind ?? ANSWER_MODEL_KIND);
      if (h.active && h.active.version !== holder.meta()?.modelVersion) holder.swap(await open(src, h.active.id, h.active.version));
      if ((h.shadow?.version ?? null) !== shadowVersion) {
        holder.setShadow(h.shadow ? (await open(src, h.shadow.id, h.shadow.version)).scorer : null);
        shadowVersion = h.shadow?.version ?? null;
      }
    } catch (e) {
      warn(`answer model registry: ${(e as Error).message}; keeping the loaded model`);
    }
  });
  const timer = setInterval(() => void refresh(), opts.refreshMs ?? 10_000);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
