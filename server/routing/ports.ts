// What the cascade executor needs from the tiers layer, defined where the tiers implement it.
export type { TierAnswer, TierCallOptions, TierChunk, TierInvoker } from '../tiers/types';
import type { AttemptRecord } from '../decisions/types';
import type { ChatRequest, TierConfig } from '../tiers/types';

/** A non-final tier's answer, handed to the answer judges before it is delivered. */
export interface JudgeInput {
  tier: TierConfig;
  /** The request as the client sent it (what the answer must satisfy). */
  request: ChatRequest;
  content: string;
  finishReason: string | null;
  logprobs?: number[];
  signal?: AbortSignal;
  priority?: number;
}

export interface JudgeOutcome {
  accepted: boolean;
  /** One line for the judged attempt's detail, e.g. "rejected by model: P(acceptable) 0.31 < 0.68". */
  summary: string;
  /** The verdicts (and paid judge calls) as attempts, steps 'judge:<judge>'; the executor appends them. */
  attempts: Omit<AttemptRecord, 'seq'>[];
}

/** The answer-side cascade's judges (server/judging implements it; the gateway builds one per request). */
export interface AnswerJudge {
  judge(input: JudgeInput): Promise<JudgeOutcome>;
  /** Judge answers that are streamed at once: verdicts are recorded, nothing escalates. */
  readonly recordOnly?: boolean;
}
