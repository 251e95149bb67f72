// Ports the transports and next-auth call into: tier listing, API-key and password checks, ratings.
// The composition root binds them to repositories (server/repos) and services.
import type { TierConfig } from '../tiers/types';
import type { Principal, Role } from './principal';

export interface TierDirectory {
  /** Enabled and disabled tiers as currently loaded. */
  list(): TierConfig[];
  byName(name: string): TierConfig | undefined;
}

export interface ApiKeyVerifier {
  /** The principal of a raw key, or null when unknown or revoked. */
  verify(rawKey: string): Promise<Principal | null>;
}

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Goes into the session token; a session whose version is behind the account's has ended. */
  sessionVersion: number;
  mustChangePassword: boolean;
}

/** Sign-in checks for next-auth's providers. */
export interface UserAuth {
  /** The user when the password matches an enabled account, else null (no hint which part was wrong). */
  verifyPassword(email: string, password: string): Promise<AuthUser | null>;
  /**
   * OIDC sign-in: the existing user with this email, or a new one. With `role` (mapped from an
   * identity-provider claim) the account takes that role; without, it keeps its own ("user" when new).
   */
  upsertExternalUser(email: string, name: string, role?: Role | null): Promise<AuthUser | null>;
  /** Writes an audit event about signing in (successes, lock-outs). */
  audit?(action: string, target: string, details: Record<string, unknown>): Promise<void>;
}

/** Ratings of answers (thumbs up/down), e.g. POST /api/v1/feedback. Errors carry a domain code. */
export interface FeedbackPort {
  rate(principal: Principal, input: unknown): Promise<{ id: string; decisionId: string; rating: 1 | -1; replaced: boolean }>;
}
