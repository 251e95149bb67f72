// The gateway's refusals and failures: a DomainError that names the decision it recorded, so the
// transports can return x-cascade-decision-id with the error.
import { DomainError, type ErrorCode } from '../lib/errors';

export class GatewayError extends DomainError {
  constructor(code: ErrorCode, message: string, decisionId: string | null = null) {
    super(code, message, { decisionId });
  }
}
