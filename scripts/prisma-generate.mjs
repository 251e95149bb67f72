#!/usr/bin/env node
// Runs `prisma generate` offline. Every prisma CLI command first tries to download a schema-engine
// binary; pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub that exits non-zero makes generate (which
// does not need the engine) work with no network. Migrations go through scripts/migrate (wasm engine).
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const dir = join(tmpdir(), 'cascade-prisma');
mkdirSync(dir, { recursive: true });
const stub = join(dir, 'no-schema-engine.sh');
writeFileSync(stub, '#!/bin/sh\necho "schema engine binary is not available offline; use npm run cascade -- migrate" >&2\nexit 1\n');
chmodSync(stub, 0o755);
const res = spawnSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
});
process.exit(res.status ?? 1);
