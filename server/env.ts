import { z } from 'zod';

// The one zod-validated view of process.env. Nothing else reads process.env (tests pass overrides
// through loadEnv), except the stage-trace switch (server/lib/stage-trace.ts), read once at module
// load so that a request pays one constant check when tracing is off. Every value has a working
// default for the embedded mode: no Postgres, no GPU, no API keys.
const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Real Postgres. Unset: Cascade starts an embedded PGlite under CASCADE_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  CASCADE_DATA_DIR: z.string().default('.cascade'),
  /** Port of the embedded Postgres socket; 0 picks a free one. */
  CASCADE_EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Opening a connection, or waiting for a free one in the pool, fails after this long. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /** A statement (server side) and the wait for its answer (client side) fail after this long. */
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Seed simulated small/medium/large tiers in the embedded mode (and when no tier exists). */
  CASCADE_SIMULATED_TIERS: bool.default(true),
  CASCADE_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** A simulator served elsewhere (`cascade serve-simulator`, e.g. in docker-compose): seeded tiers point
   *  at it and no process-local simulator starts, so every replica calls the same one. */
  CASCADE_SIMULATOR_URL: z.string().url().optional(),
  CASCADE_ADMIN_EMAIL: z.string().email().default('admin@cascade.local'),
  CASCADE_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** 32-byte key (hex or base64) that encrypts tier API keys at rest. Embedded mode generates one. */
  CASCADE_SECRET_KEY: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  /** ID-token claim whose value(s) decide the Cascade role at each SSO sign-in (e.g. `groups`, `roles`). Unset: roles are managed in Cascade. */
  OIDC_ROLE_CLAIM: z.string().optional(),
  /** With OIDC_ROLE_CLAIM: `admin=value1,value2;analyst=value3`. A user matching none gets `user`. */
  OIDC_ROLE_MAP: z.string().optional(),
  /** Take the client address from the first X-Forwarded-For entry (set only behind a proxy you run). */
  CASCADE_TRUST_PROXY: bool.default(false),
  CASCADE_MODEL_PATH: z.string().default('models/complexity.onnx'),
  /** The answer-quality model of the answer-side cascade (its meta file sits beside it, .meta.json). */
  CASCADE_ANSWER_MODEL_PATH: z.string().default('models/answer-quality.onnx'),
  /** Built-in embedder when no embedding tier is enabled: `local` (hashed n-grams, default) or
   *  `use-lite` (Universal Sentence Encoder lite on TensorFlow.js wasm; see server/embedding/use-lite). */
  CASCADE_EMBEDDER: z.enum(['local', 'use-lite']).default('local'),
  CASCADE_SPOOL_DIR: z.string().optional(),
  /** Decision journal: `interval` (default) — written before each answer, fdatasync'd every
   *  CASCADE_JOURNAL_SYNC_MS, so an OS crash loses at most that interval; `answer` — each answer also
   *  waits for the fdatasync covering its decision (costs a disk flush per request). */
  CASCADE_JOURNAL_SYNC: z.enum(['interval', 'answer']).default('interval'),
  CASCADE_JOURNAL_SYNC_MS: z.coerce.number().int().min(1).max(1000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Max request body of the OpenAI-compatible API, bytes. */
  /** SIGTERM: how long in-flight requests (streams included) may run before they are cut. */
  CASCADE_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /** Largest tRPC request body (the console's API); bigger ones get 413 before they are read. */
  CASCADE_TRPC_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 * 1024),
  CASCADE_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  /** Days a stored Responses API answer is kept (previous_response_id, GET); 0 = forever. OpenAI keeps 30. */
  CASCADE_RESPONSES_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(30),
  /** How often stored Responses API answers past retention are deleted (ms, one replica); 0 = never. Reads ignore them at once either way. */
  CASCADE_RESPONSES_PURGE_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Megabytes of cached answers each process holds in memory (most recently used); a hit on another reads Postgres. */
  CASCADE_CACHE_ANSWER_MEMORY_MB: z.coerce.number().min(0).max(65_536).default(32),
  /** How often the auto-tuner runs (ms); 0 = never. Unset: every 15 minutes, never under NODE_ENV=test. */
  CASCADE_TUNER_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  /** How often kept training samples past the policy's retention are purged (ms); 0 = never. Unset: hourly, never under NODE_ENV=test. */
  CASCADE_TRAINING_PURGE_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  /** How often both models are retrained from kept decisions and the candidates registered (ms); 0 = only by `cascade retrain`. Unset: daily, never under NODE_ENV=test. */
  CASCADE_RETRAIN_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  /** Feed rated decisions to the analyzer's historical-pattern store. Unset: on, off under NODE_ENV=test. */
  CASCADE_RATING_HISTORY: z.enum(['true', 'false', '1', '0']).optional(),
  /** Redis shared by replicas: tier limits, rate limits, leader leases and change notices hold across
   *  processes (server/coord). Unset: one process, in-process coordination. */
  REDIS_URL: z.string().url().optional(),
  /** Key prefix in Redis (several installs may share one Redis). */
  CASCADE_REDIS_PREFIX: z.string().min(1).default('cascade:'),
  /** Processes serving one port (node:cluster); more than 1 needs REDIS_URL. */
  CASCADE_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Bearer token /metrics requires when set. */
  CASCADE_METRICS_TOKEN: z.string().min(8).optional(),
  /** Serve /metrics on this port (bound to HOST) instead of the public listener. */
  CASCADE_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** OpenTelemetry traces go to this OTLP/HTTP endpoint; unset: no tracing at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().default('cascade'),
  TEST_DATABASE_URL: z.string().url().optional(),
  CHROMIUM_PATH: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

let cached: Env | undefined;
/** The process-wide environment, parsed once. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
