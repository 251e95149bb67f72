// Public entry of the complexity analyzer. Everything else in server/complexity is internal.
import { ComplexityAnalyzer, type AnalyzerOptions } from './analyzer';
import type { Analyzer } from './types';

export { ComplexityAnalyzer, ComplexityInputError, scoreOf, type AnalyzerOptions } from './analyzer';
export { MemoryHistoryStore, loadHistoryStore, historySignal, type HistoryStore, type PastQuery, type Outcome, type Tier } from './history';
export { TierSuccessModel, type TierEstimate, type TierModelOptions } from './history-model';
export { MAX_CHARS } from './text';
export * from './types';

/** Loads the ONNX model and its metadata (default models/complexity.onnx + .meta.json). */
export function createAnalyzer(opts: AnalyzerOptions = {}): Promise<Analyzer & ComplexityAnalyzer> {
  return ComplexityAnalyzer.create(opts);
}
