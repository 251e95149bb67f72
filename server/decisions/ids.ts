// Time-ordered ids for decisions: UUIDv7 sorts by creation time, so the primary-key index of the
// (time-partitioned) decision table is appended to at its right edge instead of written randomly.
import { v7, validate } from 'uuid';

export function uuidv7(): string {
  return v7();
}

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && validate(s);
}
