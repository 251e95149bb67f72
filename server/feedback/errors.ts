// Domain errors of the feedback module. The code is one of the shared domain codes that
// server/http/errors.ts and the tRPC error middleware map to statuses (404, 403, 400).
export type FeedbackErrorCode = 'not_found' | 'forbidden' | 'bad_request';

export class FeedbackError extends Error {
  constructor(
    readonly code: FeedbackErrorCode,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'FeedbackError';
  }
}
