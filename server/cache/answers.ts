// The answers of cache entries, held in memory up to a byte budget, most recently used kept.
// Everything a lookup compares (prompt, vector, terms, tier, expiry) stays in the index for every
// entry; the answer text is only read on a hit, and it is what grows with real traffic (chat
// answers run to kilobytes: 100k entries of 2 KB are ~200 MB of strings, more than the index
// itself). An answer not held here is read from the store by id on the hit that needs it.

/** Default budget: the answers of the most recent hits and stores, a small share of a process. */
export const DEFAULT_ANSWER_MEMORY_BYTES = 32 * 2 ** 20;

/** Per-answer overhead counted besides the text: the string header and the map entry. */
const ENTRY_OVERHEAD = 64;

export class AnswerMemory {
  // Map iteration order is insertion order: re-inserting on use makes the first key the least recent.
  private readonly held = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly budget: number = DEFAULT_ANSWER_MEMORY_BYTES) {}

  get(id: string): string | undefined {
    const answer = this.held.get(id);
    if (answer === undefined) return undefined;
    this.held.delete(id);
    this.held.set(id, answer);
    return answer;
  }

  set(id: string, answer: string): void {
    this.delete(id);
    const size = cost(answer);
    if (size > this.budget) return;
    this.held.set(id, answer);
    this.bytes += size;
    while (this.bytes > this.budget) {
      const oldest = this.held.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(id: string): void {
    const prior = this.held.get(id);
    if (prior === undefined) return;
    this.held.delete(id);
    this.bytes -= cost(prior);
  }

  clear(): void {
    this.held.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.held.size;
  }

  get heldBytes(): number {
    return this.bytes;
  }
}

// Two bytes a character: V8 keeps strings with any non-Latin-1 character in two-byte form, and an
// estimate that errs high keeps the budget a bound.
function cost(answer: string): number {
  return answer.length * 2 + ENTRY_OVERHEAD;
}
