// `npm start`: make sure the generated Prisma client and the Next.js build are current, then run the
// server in production mode in this same process (so SIGTERM reaches it directly).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg: string) => process.stdout.write(`cascade: ${msg}\n`);

/** Newest modification time under the given paths (files or folders), ignoring generated output. */
function newest(paths: string[]): number {
  let max = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) {
        if (name === 'node_modules' || name === 'generated' || name.startsWith('.')) continue;
        walk(join(p, name));
      }
    } else if (!/\.test\.tsx?$/.test(p)) max = Math.max(max, st.mtimeMs);
  };
  for (const p of paths) walk(join(root, p));
  return max;
}

function run(cmd: string, args: string[], what: string): void {
  say(what);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (res.status !== 0) {
    say(`${what} failed (exit ${res.status ?? res.signal}).`);
    process.exit(res.status ?? 1);
  }
}

// 1. Prisma client: generated on install, regenerated when the schema is newer.
const client = join(root, 'server/db/generated/client.ts');
if (!existsSync(client) || statSync(client).mtimeMs < newest(['prisma/schema.prisma'])) {
  run(process.execPath, ['scripts/prisma-generate.mjs'], 'generating the Prisma client');
}

// 2. Next.js build: when missing, or older than the sources it is built from.
const buildId = join(root, '.next/BUILD_ID');
const sources = ['app', 'components', 'lib', 'server', 'next.config.js', 'package-lock.json', 'tsconfig.json'];
if (!existsSync(buildId)) {
  run(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], 'building the web app (first start, takes a minute or two)');
} else if (statSync(buildId).mtimeMs < newest(sources)) {
  run(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], 'sources changed since the last build: rebuilding the web app');
}

// 3. The server, in production mode, in this process.
(process.env as Record<string, string>).NODE_ENV = 'production';
await import(pathToFileURL(join(root, 'server.ts')).href);
