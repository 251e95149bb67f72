// The admin and read-side operations the tRPC routers need, as ports. The composition root binds
// them to the repositories in server/repos; routers reach the database only through them.
import type { DecisionRecord } from '../decisions/types';
import type { Policy } from '../routing/policy';
import type { TierCapabilities } from '../tiers/capabilities';
import type { TierRequestFields } from '../tiers/request-fields';
import type { TierConfig, TierRole } from '../tiers/types';
import type { Role } from './principal';

export interface Actor {
  id: string | null;
  label: string;
}

/** A tier as the console sees it: never the key itself. */
export type TierView = Omit<TierConfig, 'apiKey'> & { hasApiKey: boolean; createdAt: Date; updatedAt: Date };

export interface TierInput {
  name: string;
  role: TierRole;
  kind: TierConfig['kind'];
  baseUrl: string;
  model: string;
  /** undefined keeps the stored key, null removes it. */
  apiKey?: string | null;
  inputPricePerM: number;
  outputPricePerM: number;
  maxConcurrency: number;
  timeoutMs: number;
  enabled: boolean;
  /** What the tier can serve; omitted keeps the stored capabilities (or the defaults). */
  capabilities?: TierCapabilities;
  /** Request fields the tier drops or refuses; omitted keeps the stored ones (or none). */
  requestFields?: TierRequestFields;
}

export interface TierStore {
  list(): Promise<TierView[]>;
  create(input: TierInput, actor: Actor): Promise<TierView>;
  update(id: string, patch: Partial<TierInput>, actor: Actor): Promise<TierView>;
  disable(id: string, actor: Actor): Promise<TierView>;
  /** With the decrypted key, for the connector. */
  config(id: string): Promise<TierConfig | null>;
}

export interface PolicyVersionView {
  version: number;
  document: Policy;
  active: boolean;
  reason: string;
  createdById: string | null;
  parentVersion: number | null;
  createdAt: Date;
}

export interface PolicyStore {
  active(): Promise<PolicyVersionView | null>;
  history(limit: number): Promise<PolicyVersionView[]>;
  /** Stores a new immutable version and makes it active (the document is already validated). */
  save(document: Policy, reason: string, actor: Actor): Promise<PolicyVersionView>;
  /** Activates a copy of an old version as a new version, so history stays append-only. */
  rollback(version: number, reason: string, actor: Actor): Promise<PolicyVersionView>;
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  tenant: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  /** Tier names the key may be answered by; empty: any. */
  allowedTiers: string[];
  /** Who created it (null: the command line). */
  createdById: string | null;
}

export interface ApiKeyInput {
  name: string;
  tenant: string;
  role: Role;
  expiresAt?: Date | null;
  allowedTiers?: string[];
}

export interface ApiKeyStore {
  list(): Promise<ApiKeyView[]>;
  /** The raw key is returned once and never stored. */
  create(input: ApiKeyInput, actor: Actor): Promise<{ key: string; apiKey: ApiKeyView }>;
  revoke(id: string, actor: Actor): Promise<ApiKeyView>;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  /** Signed in with a temporary password an admin set: must choose a new one first. */
  mustChangePassword: boolean;
  /** False for accounts that sign in only through single sign-on. */
  hasPassword: boolean;
}

/** Every change ends the user's open sessions and is audited; none may leave no active admin. */
export interface UserStore {
  list(): Promise<UserView[]>;
  create(input: { email: string; name: string; role: Role; password: string }, actor: Actor): Promise<UserView>;
  setRole(id: string, role: Role, actor: Actor): Promise<UserView>;
  setDisabled(id: string, disabled: boolean, actor: Actor): Promise<UserView>;
  /** Deletes the user and revokes the API keys they created. */
  remove(id: string, actor: Actor): Promise<{ id: string }>;
  /** Sets a temporary password (returned once) that must be changed at the next sign-in. */
  resetPassword(id: string, actor: Actor): Promise<{ user: UserView; temporaryPassword: string }>;
  /** The user's own change: the current password is required. */
  changePassword(id: string, current: string, next: string, actor: Actor): Promise<UserView>;
}

export type DecisionSummary = Omit<DecisionRecord, 'attempts' | 'signals' | 'plan' | 'probs'>;

export interface DecisionFilters {
  from?: Date;
  to?: Date;
  tier?: string;
  band?: string;
  status?: string;
  cacheStatus?: string;
  /** The API shape the request came in (chat.completions, responses, messages). */
  door?: string;
  apiKeyId?: string;
  principalId?: string;
  /** Decisions made through this tenant's API keys ("default" also takes console requests). */
  tenant?: string;
  policyVersion?: number;
  /** Text search over the redacted prompt preview. */
  q?: string;
}

export interface DecisionReader {
  get(id: string): Promise<DecisionRecord | null>;
  /** Who made a decision, for the visibility rule (server/auth/visibility.ts); null when it does not exist. */
  owner(id: string): Promise<{ principalId: string | null; tenant: string } | null>;
  /** Newest first; the cursor is opaque. */
  list(filters: DecisionFilters, page: { cursor?: string | null; limit: number }): Promise<{ items: DecisionSummary[]; nextCursor: string | null }>;
}

export interface Stores {
  tiers: TierStore;
  policies: PolicyStore;
  apiKeys: ApiKeyStore;
  users: UserStore;
  decisions: DecisionReader;
}

export interface TierTestResult {
  ok: boolean;
  latencyMs: number;
  models: string[];
  error: string | null;
}
