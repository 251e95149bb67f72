// Every pass over user text that runs on the request path (or on tier output), run on adversarial
// inputs. Started as its own process by linear-time.test.ts so that a pass that never finishes can be
// stopped; prints one line per pass and input.
import { looksLikeCode, normalizePrompt } from '../../server/cache/normalize';
import { facts, gate } from '../../server/cache/facts';
import { analyzeStructure } from '../../server/complexity/structure';
import { prepare, tokenize } from '../../server/complexity/text';
import { promptHash } from '../../server/gateway/record';
import { redactPreview } from '../../server/redaction/redact';
import { parseSubQuestions } from '../../server/routing/research';
import { adversarialTexts } from '../fixtures/adversarial-text';

const size = Number(process.argv[2] ?? 200_000);
const passes: Record<string, (t: string) => unknown> = {
  redactPreview: (t) => redactPreview(t),
  promptHash: (t) => promptHash([{ role: 'user', content: t }]),
  normalizePrompt,
  looksLikeCode,
  analyzeStructure: (t) => analyzeStructure(t, tokenize(prepare(t).lower)),
  facts: (t) => facts(t.slice(0, 32_000)),
  gate: (t) => gate(t.slice(0, 32_000)),
  parseSubQuestions: (t) => parseSubQuestions(t, 5),
};
for (const [input, text] of Object.entries(adversarialTexts(size))) {
  for (const [name, pass] of Object.entries(passes)) {
    const t0 = performance.now();
    pass(text);
    process.stdout.write(`${name} ${input} ${(performance.now() - t0).toFixed(1)}ms\n`);
  }
}
process.stdout.write('done\n');
