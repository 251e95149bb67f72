// Password guessing limits: failed sign-ins are counted per account (email) and per client
// address over a sliding window; once either count reaches its limit, further attempts are refused
// without checking the password until the oldest failure leaves the window. A success clears the
// account's count (not the address's: one address trying many accounts stays limited).
// In memory, per process: the console runs as one process; several processes each enforce it.

export interface SignInLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

export interface SignInLimiter {
  /** null when an attempt is allowed, else the seconds until it will be. */
  blocked(email: string, address: string, now?: number): number | null;
  failed(email: string, address: string, now?: number): void;
  succeeded(email: string): void;
}

export function signInLimiter(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS): SignInLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((t) => now - t < limits.windowMs);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };
  const wait = (list: number[], limit: number, now: number): number | null =>
    list.length >= limit ? Math.max(1, Math.ceil((list[list.length - limit] + limits.windowMs - now) / 1000)) : null;
  return {
    blocked(email, address, now = Date.now()) {
      const a = wait(recent(`a:${email}`, now), limits.perAccount, now);
      const b = wait(recent(`ip:${address}`, now), limits.perAddress, now);
      return a === null ? b : b === null ? a : Math.max(a, b);
    },
    failed(email, address, now = Date.now()) {
      if (failures.size > 100_000) failures.clear(); // a flood of distinct names must not grow memory without bound
      for (const key of [`a:${email}`, `ip:${address}`]) failures.set(key, [...recent(key, now), now]);
    },
    succeeded(email) {
      failures.delete(`a:${email}`);
    },
  };
}
