// A zod failure as the 400 every door sends: the first issue, naming the parameter at fault.
import type { z } from 'zod';
import { HttpError } from '../errors';

export function parseOr400<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HttpError(400, 'Request body must be a JSON object.', 'invalid_request_error', null, 'invalid_request');
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue.path.map(String).join('.') || null;
  throw new HttpError(400, param ? `Invalid parameter ${param}: ${issue.message}` : issue.message, 'invalid_request_error', param, 'invalid_request');
}

export function badParam(param: string, message: string): HttpError {
  return new HttpError(400, `Invalid parameter ${param}: ${message}`, 'invalid_request_error', param, 'invalid_request');
}
