// Typo'd copies of prompts from a keyboard typo model, for measuring typo recall on text nobody
// wrote to pass the verifier: one to three words per prompt get one edit each — a dropped letter,
// a neighbouring key inserted or struck instead, two letters swapped, a letter doubled. Seeded, so
// a set is the same on every run. Some edits make another real word ("speed" -> "sped"); the
// verifier rightly refuses those, so recall on such a set stays under 1.
import { mulberry32 } from '../../server/lib/random';

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

function neighbour(ch: string, rand: () => number): string {
  const r = ROWS.findIndex((row) => row.includes(ch));
  if (r < 0) return ch;
  const c = ROWS[r].indexOf(ch);
  const near: string[] = [];
  for (let dr = -1; dr <= 1; dr++) {
    for (let dc = -1; dc <= 1; dc++) {
      const row = ROWS[r + dr];
      if ((dr || dc) && row && row[c + dc]) near.push(row[c + dc]);
    }
  }
  return near[Math.floor(rand() * near.length)];
}

function misspell(w: string, rand: () => number): string {
  const i = w.length > 3 ? 1 + Math.floor(rand() * (w.length - 2)) : Math.floor(rand() * w.length);
  const op = rand();
  if (op < 0.3) return w.slice(0, i) + w.slice(i + 1);
  if (op < 0.45) return w.slice(0, i) + neighbour(w[i].toLowerCase(), rand) + w.slice(i);
  if (op < 0.7) return w.slice(0, i) + neighbour(w[i].toLowerCase(), rand) + w.slice(i + 1);
  if (op < 0.9 && i + 1 < w.length) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  return w.slice(0, i) + w[i] + w.slice(i);
}

/** Pairs (prompt, typo'd prompt) of the same question, one per prompt that has a word to misspell.
 *  `everyWord`: every word of 4+ letters gets an edit (a hurried typist: no word left intact, so the
 *  two prompts share no content word at all). */
export function typoPairs(prompts: string[], seed: number, opts: { everyWord?: boolean } = {}): Array<{ a: string; b: string; same: true; kind: 'typo' }> {
  const rand = mulberry32(seed);
  const out: Array<{ a: string; b: string; same: true; kind: 'typo' }> = [];
  for (const a of prompts) {
    const parts = a.split(' ');
    const min = opts.everyWord ? 4 : 3;
    const eligible = parts.map((p, i) => ((p.match(/\p{L}/gu)?.length ?? 0) >= min ? i : -1)).filter((i) => i >= 0);
    if (eligible.length === 0) continue;
    const n = opts.everyWord ? eligible.length : Math.min(eligible.length, [1, 1, 2, 2, 3][Math.floor(rand() * 5)]);
    for (let k = 0; k < n; k++) {
      const i = eligible.splice(Math.floor(rand() * eligible.length), 1)[0];
      const core = parts[i].replace(/[?.,!:;]+$/, '');
      parts[i] = misspell(core, rand) + parts[i].slice(core.length);
    }
    const b = parts.join(' ');
    if (b !== a) out.push({ a, b, same: true, kind: 'typo' });
  }
  return out;
}
