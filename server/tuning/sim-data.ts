// Loading an outcome file for the closed-loop simulation and its bound: rows with the recorded
// correctness and cost of the three mapped models, and each prompt's assessment, computed once (the
// analyzer is deterministic and the replay revisits prompts).
import { DomainError } from '../lib/errors';
import { readFileSync } from 'node:fs';
import type { Assessment } from '../complexity/types';
import { loadAnalyzer } from '../routing/eval/analyzer';
import { parseOutcomes, selectRows } from '../routing/eval/run';
import { assessmentFromScore, type SimRow } from './simulation';

export class SimDataError extends DomainError {
  constructor(
    message: string,
    /** Exit code for the command line: 2 unreadable input, 1 nothing to simulate. */
    readonly exitCode: 1 | 2,
  ) {
    super('bad_request', message);
  }
}

/** Stand-in score when the analyzer is unavailable or not wanted: log prompt length, 8k chars = 1. */
export function lengthScore(prompt: string): number {
  return Math.min(1, Math.log1p(prompt.length) / Math.log1p(8000));
}

export async function loadSimulationData(
  file: string,
  models: { small: string; medium: string; large: string },
  score: 'analyzer' | 'length',
  log: (line: string) => void,
): Promise<{ rows: SimRow[]; assessments: Assessment[]; scoreSource: string; skipped: unknown }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SimDataError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, 2);
  }
  const { lines, errors } = parseOutcomes(text);
  if (errors.length > 0) log(`${errors.length} bad lines skipped (first: ${errors[0]})\n`);
  const { rows: evalRows, skipped } = selectRows(lines, models, null);
  if (evalRows.length === 0) throw new SimDataError(`no rows with outcomes for all of ${models.small}, ${models.medium}, ${models.large}`, 1);
  const rows: SimRow[] = evalRows.map((r) => ({ prompt: r.prompt, score: [r.small.score, r.medium.score, r.large.score], cost: [r.small.cost, r.medium.cost, r.large.cost] }));
  const assessments: Assessment[] = [];
  let scoreSource = 'length';
  let analyzer = null;
  if (score === 'analyzer') {
    try {
      analyzer = await loadAnalyzer();
    } catch (e) {
      // Keep the command usable without the analyzer; the output names the score actually used.
      log(`${e instanceof Error ? e.message : String(e)}; using the prompt-length stand-in score\n`);
    }
  }
  if (analyzer) {
    scoreSource = `analyzer ${analyzer.modelVersion}`;
    for (const [i, r] of rows.entries()) {
      assessments.push(await analyzer.assess(r.prompt));
      if ((i + 1) % 500 === 0 || i + 1 === rows.length) log(`\rassessed ${i + 1}/${rows.length}`);
    }
    log('\n');
  } else {
    for (const r of rows) assessments.push(assessmentFromScore(lengthScore(r.prompt)));
  }
  return { rows, assessments, scoreSource, skipped };
}
