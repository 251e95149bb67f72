// Who is asking, as every layer sees it: the transports authenticate, the gateway records, batch and
// tuning act on behalf of. Imports nothing, so any module may depend on it.
export const ROLES = ['user', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: a signed-in user (session) or a script holding an API key. */
export interface Principal {
  kind: 'user' | 'apiKey';
  /** User id, or API key id for keys. */
  id: string;
  userId: string | null;
  apiKeyId: string | null;
  role: Role;
  /** Cache / budget scope. */
  tenant: string;
  /** Email or key name, for humans and audit events. */
  name: string;
  /** A session whose password was reset by an admin: only changing the password is allowed. */
  mustChangePassword?: boolean;
  /** An API key limited to these tier names (absent or empty: any tier). */
  allowedTiers?: string[];
}
