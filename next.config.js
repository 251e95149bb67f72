/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm modules are loaded by Node at run time, never bundled.
  serverExternalPackages: [
    'onnxruntime-node', 'usearch', '@electric-sql/pglite', '@electric-sql/pglite-socket',
    '@prisma/schema-engine-wasm', 'pino', 'pg', '@node-rs/argon2', 'prom-client',
  ],
  typedRoutes: false,
  poweredByHeader: false,
};
export default nextConfig;
