// A revoked API key must stop working on every replica at once, also on one whose database is down
// and which serves keys from memory (outage-keys.ts): the replica that revokes announces the key id on
// the coordination bus (Redis pub/sub), and every other replica drops it from its key caches. Without
// Redis there is one process and the local revoke already did that.
import type { Bus } from '../coord/types';

export const KEY_REVOKED_TOPIC = 'apikey.revoked';

export interface SharedRevocations {
  /** Tells the other replicas (after the local caches forgot the key). */
  announce(apiKeyId: string): Promise<void>;
  close(): void;
}

export function shareRevocations(bus: Bus, forget: (apiKeyId: string) => void): SharedRevocations {
  const unsubscribe = bus.subscribe(KEY_REVOKED_TOPIC, (id) => {
    if (id) forget(id);
  });
  return {
    // A lost notice leaves the other replicas to the database's answer (their key cache lives seconds).
    announce: (apiKeyId) => bus.publish(KEY_REVOKED_TOPIC, apiKeyId).catch(() => undefined),
    close: unsubscribe,
  };
}
