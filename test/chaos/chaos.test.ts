// The short chaos run inside `npm test`: every scenario of `npm run chaos` for a few seconds, against
// the same real processes. Its invariants are asserted (no answered decision lost or doubled, no
// in-flight request cut, no 5xx from abuse, no secret in clear); its timings are not (see the full run).
import { expect, it } from 'vitest';
import { runChaos, table } from './run';

// The embedded PGlite of a run without TEST_DATABASE_URL takes one connection at a time and has no
// pg_dump: the suite needs a real Postgres server (.ci/run provides one).
it.skipIf(process.env.TEST_DATABASE_EMBEDDED === '1')('chaos (short): database down and hanging, SIGTERM, kill -9, tier faults, abuse, secrets', async () => {
  const lines: string[] = [];
  const results = await runChaos({ short: true, log: (s) => lines.push(s) });
  const failed = results.filter((r) => !r.ok);
  expect(failed, `${table(results)}\n${lines.join('\n')}`).toEqual([]);
  expect(results).toHaveLength(7);
}, 600_000);
