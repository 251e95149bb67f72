// What every chaos scenario gets (the app's database behind a relay, fault tiers, keys) and gives
// back, and the two helpers they share: a chat request and the app process on the run's relay.
import type { TcpRelay } from '../fixtures/tcp-relay';
import type { FakeUpstream } from '../fixtures/upstream';
import { startApp } from './app';
import type { ChaosDb } from './db';
import type { RequestSpec } from './load';

export interface ChaosContext {
  dbUrl: string;
  relay: TcpRelay;
  db: ChaosDb;
  port: number;
  dataDir: string;
  spoolDir: string;
  short: boolean;
  upstreams: Record<string, FakeUpstream>;
  keys: { user: string; unused: string; admin: string };
  /** Raw secrets handed out during the run, for the secrets scan. */
  secrets: string[];
}

export interface ScenarioResult {
  name: string;
  ok: boolean;
  figures: Record<string, string | number>;
  notes?: string[];
}

export const ask = (key: string, i: number, extra: Record<string, unknown> = {}): RequestSpec => ({
  key,
  body: { model: 'auto', messages: [{ role: 'user', content: `chaos request ${i}: what is ${i % 97} plus ${i % 13}? ${Date.now()}` }], ...extra },
});

export const app = (ctx: ChaosContext, env: Record<string, string> = {}) => startApp({ databaseUrl: ctx.relay.url, port: ctx.port, dataDir: ctx.dataDir, spoolDir: ctx.spoolDir, env });
