// Domain errors of the feedback module: a rating of a decision that does not exist (404), that the
// rater may not rate (403), or that is malformed (400, with the field issues).
import { DomainError } from '../lib/errors';

export type FeedbackErrorCode = 'not_found' | 'forbidden' | 'bad_request';

export class FeedbackError extends DomainError {
  constructor(code: FeedbackErrorCode, message: string, issues: { path: string; message: string }[] = []) {
    super(code, message, { issues });
  }
}
