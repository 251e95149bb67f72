// Bridge from the evaluator to the complexity analyzer (issue 3), so the evaluation uses exactly the
// analyzer the server uses, with the history split as its historical-pattern store when it has one.
import type { Analyzer } from '../../complexity/types';

/** One prompt with known outcomes: the evaluator's view of a historical-pattern store entry. */
export interface HistoryExample {
  prompt: string;
  scores: { small: number; medium: number; large: number };
}

type Factory = (opts?: Record<string, unknown>) => Analyzer | Promise<Analyzer>;

// The analyzer module is built in parallel with this one; resolve it at run time so this file
// compiles before it lands, and fail with a clear message if it is missing.
const CANDIDATES = ['../../complexity/analyzer', '../../complexity/index'];

export async function loadAnalyzer(history?: HistoryExample[]): Promise<Analyzer> {
  let factory: Factory | undefined;
  for (const path of CANDIDATES) {
    try {
      const mod = (await import(/* @vite-ignore */ path)) as { createAnalyzer?: Factory };
      if (typeof mod.createAnalyzer === 'function') {
        factory = mod.createAnalyzer;
        break;
      }
    } catch {
      // try the next location
    }
  }
  if (!factory) throw new Error('complexity analyzer not found: expected createAnalyzer() in server/complexity/analyzer.ts');
  return factory(history ? { history: history.map((h) => ({ text: h.prompt, ...h })) } : undefined);
}
