// Contract of the complexity analyzer. Routing, cache, tuning and the console depend on
// these shapes; change them only together with their users.

export const BANDS = ['simple', 'moderate', 'complex', 'research'] as const;
export type Band = (typeof BANDS)[number];

export type BandProbs = Record<Band, number>;

export interface Signals {
  /** Keyword groups that fired, e.g. ["math", "business-plan"]. */
  keywords: string[];
  /** Length bucket and counts of the structural features. */
  lengthBucket: 'tiny' | 'short' | 'medium' | 'long' | 'very-long';
  tokens: number;
  sentences: number;
  questions: number;
  numberedParts: number;
  hasCode: boolean;
  hasMath: boolean;
  multiPart: boolean;
  /** ISO 639-1 guess, e.g. "en", "zh"; "und" when unknown. */
  language: string;
  /** Share of the text that is given context rather than the ask (0..1). */
  contextShare: number;
  /** Features that moved the classifier most, for humans. */
  topFeatures: { feature: string; weight: number }[];
  /**
   * History's influence, when a history store was used. With a learned estimate (every tier has
   * enough outcomes): tierSuccess per tier, its mixing weight, and shift = the score change it made
   * (neighbours 0). Otherwise: neighbours consulted and shift = the logit tilt toward harder bands.
   */
  history?: { neighbours: number; smallSuccessRate: number | null; shift: number; tierSuccess?: { small: number; medium: number; large: number }; weight?: number };
  /** True when the input was cut to the featurizer's maximum length. */
  truncated: boolean;
  /** How an agent turn (tools offered, tool calls or results in the conversation) was assessed (complexity/turn.ts). */
  agent?: {
    assessed: 'last_user' | 'task';
    toolsOffered: number;
    toolCalls: number;
    toolResults: number;
    toolResultChars: number;
    userTurns: number;
    floor: { band: Band; reason: string } | null;
  };
  /** A candidate classifier's view of the same text, recorded beside the active one's (shadow mode), never used. */
  shadow?: { version: string; band: Band; score: number };
}

export interface Assessment {
  band: Band;
  /** Continuous complexity in [0, 1]: expected band index / 3 (after history shift). */
  score: number;
  probs: BandProbs;
  signals: Signals;
  modelVersion: string;
}

export interface Analyzer {
  assess(text: string): Promise<Assessment>;
  /** The classifier's non-zero inputs for `text` (indices, values): kept for retraining when the policy says so. */
  featuresOf?(text: string): { i: number[]; v: number[] };
  readonly modelVersion: string;
}
