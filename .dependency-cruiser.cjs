// The layering of the code, checked by `npm run check:layers` (part of `npm test`):
//   transports (server/http, server/api, app) -> gateway -> routing / cache / complexity / embedding
//   -> tiers -> lib, with contracts (shapes modules agree on) below the gateway, and only entry
//   points (app, scripts, server.ts, the tRPC layer, next-auth's options, tests, benches) importing
//   the composition root (server/runtime). No module cycles, and no cycles between folders.
const ENTRY = '^(app|scripts|bench|e2e|test|lib|server\\.ts|server/runtime|server/api|server/auth/options\\.ts)|\\.test\\.tsx?$';
const TESTS = '\\.test\\.tsx?$';

/** A rule forbidding the files under `from` to import the folders in `to` (tests excepted). */
const layer = (name, from, to, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: TESTS },
  to: { path: `^server/(${to.join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'modules must not import each other in a circle', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-folder-cycles',
      comment: 'folders must not depend on each other in a circle',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(server|components|lib)/' },
      to: { circular: true },
    },
    {
      name: 'runtime-only-from-entry-points',
      comment: 'server/runtime composes the core; only entry points may import it',
      severity: 'error',
      from: { pathNot: ENTRY },
      to: { path: '^server/runtime/' },
    },
    layer('lib-is-the-bottom', '^server/lib/', ['(?!lib/)[^/]+'], 'server/lib imports nothing of the core above it'),
    layer('tiers-below-routing', '^server/tiers/', ['gateway', 'routing', 'cache', 'complexity', 'embedding', 'http', 'api', 'batch', 'contracts', 'decisions', 'feedback', 'tuning'], 'tiers are called by routing, never the reverse'),
    layer('core-below-gateway', '^server/(routing|cache|complexity|embedding|decisions|feedback|tuning|analytics|whatif|contracts)/', ['gateway', 'http', 'api', 'batch'], 'the core is called by the gateway, never the reverse'),
    layer('gateway-below-transports', '^server/gateway/', ['http', 'api', 'batch'], 'the gateway does not know its transports'),
    layer('http-beside-trpc', '^server/http/', ['api'], 'the HTTP transport does not import the tRPC transport'),
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Tests may import anything (they sit above everything) and nothing imports them.
    exclude: { path: '(^|/)(node_modules|\\.next|server/db/generated)/|^(test|bench|e2e)/|\\.test\\.tsx?$' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
