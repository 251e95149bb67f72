// `npm run cascade -- classify [--signals] [--history DIR] [--model PATH] [--meta PATH]`
// JSON Lines in (each with a `text` field, other fields passed through), JSON Lines out with
// band, score, probs and modelVersion added. A line that cannot be read gets an `error` field on its
// own output line; the rest go on. Output order = input order.
import { createInterface } from 'node:readline';
import { DEFAULT_META_PATH, DEFAULT_MODEL_PATH } from '../../server/complexity/artifact';
import { parseFlags } from '../../server/complexity/cli-flags';
import { createAnalyzer, loadHistoryStore, type Assessment } from '../../server/complexity';

export const description = 'Classify JSON Lines from stdin ({"text": ...}) into complexity bands on stdout';

function write(obj: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(`${JSON.stringify(obj)}\n`)) process.stdout.once('drain', resolve);
    else resolve();
  });
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { signals: 'false', history: '', model: DEFAULT_MODEL_PATH, meta: DEFAULT_META_PATH });
  // `--signals` alone is a switch.
  const withSignals = flags.signals !== 'false';
  let analyzer = await createAnalyzer({ modelPath: flags.model, metaPath: flags.meta });
  if (flags.history) {
    const history = loadHistoryStore(flags.history, analyzer.featureParams);
    await analyzer.close();
    analyzer = await createAnalyzer({ modelPath: flags.model, metaPath: flags.meta, history });
  }
  let errors = 0;
  let lineNo = 0;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      errors++;
      await write({ line: lineNo, error: `invalid JSON: ${(err as Error).message}` });
      continue;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      errors++;
      await write({ line: lineNo, error: 'expected a JSON object with a "text" field' });
      continue;
    }
    const obj = row as Record<string, unknown>;
    if (typeof obj.text !== 'string') {
      errors++;
      await write({ ...obj, error: `"text" must be a string, got ${obj.text === undefined ? 'nothing' : typeof obj.text}` });
      continue;
    }
    try {
      const a: Assessment = await analyzer.assess(obj.text);
      const out: Record<string, unknown> = { ...obj, band: a.band, score: round(a.score), probs: roundProbs(a.probs), modelVersion: a.modelVersion };
      if (withSignals) out.signals = a.signals;
      await write(out);
    } catch (err) {
      errors++;
      await write({ ...obj, error: (err as Error).message });
    }
  }
  await analyzer.close();
  if (errors > 0) process.stderr.write(`classify: ${errors} line(s) had errors (see their "error" field)\n`);
  return 0;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const roundProbs = (p: Record<string, number>) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, round(v)]));
