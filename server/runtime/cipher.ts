// AES-256-GCM for tier API keys at rest. The key comes from CASCADE_SECRET_KEY (hex or base64 of 32
// bytes, or any passphrase, hashed to 32 bytes); the embedded mode generates and keeps one.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Env } from '../env';
import { persistedSecret } from './secrets';
import type { SecretCipher } from '../repos/tiers';

function keyBytes(secret: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  const b64 = Buffer.from(secret, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(secret)) return b64;
  return createHash('sha256').update(secret).digest();
}

export function createCipher(secret: string): SecretCipher {
  const key = keyBytes(secret);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v1:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
    },
    decrypt(stored) {
      const [v, iv, tag, body] = stored.split(':');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('stored tier key has an unknown format');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    },
  };
}

export function cipherFromEnv(e: Env): SecretCipher {
  return createCipher(e.CASCADE_SECRET_KEY ?? persistedSecret(e.CASCADE_DATA_DIR, 'secret-key'));
}
