// Secrets a fresh install needs but nobody configured: generated once, kept under CASCADE_DATA_DIR
// (mode 0600) so sessions survive restarts, and shared by every module of the process.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../env';

export function persistedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not created yet
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx' fails if another process won the race; then its secret is the one to use.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}

/** next-auth's JWT secret: NEXTAUTH_SECRET, else a generated one under the data folder. */
export function authSecret(e: Env): string {
  return e.NEXTAUTH_SECRET ?? persistedSecret(e.CASCADE_DATA_DIR, 'nextauth-secret');
}

/** next-auth must know its public URL; when unset it is derived from PORT (it must match the port when that is not 3000). */
export function publicUrl(e: Env): string {
  return e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`;
}
