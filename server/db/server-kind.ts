// Tells the embedded PGlite from a real Postgres by its version() string. PGlite accepts LISTEN but
// never delivers another session's NOTIFY, and drops the connection on COPY FROM STDIN, so callers
// that rely on either pick another path there. Kept apart from embedded.ts so that asking does not
// load PGlite itself.
export function isEmbeddedServer(version: string): boolean {
  return /pglite|emscripten|wasm/i.test(version);
}
