// Cache hit counters, written in batches: a hit used to cost one UPDATE round trip to Postgres
// (query text, bind, parse of the answer: a good share of a hit's CPU at hundreds of hits a second).
// Hits within `flushMs` are summed per entry and written by one statement; every caller's promise
// settles with that batch, so a failed write is still seen (and counted) by whoever recorded it.
// Hit counts are statistics (LRU order lives in memory): being up to flushMs late in Postgres is fine.

export interface HitBatch {
  /** entry id -> hits to add and the latest hit time */
  hits: Map<string, { n: number; at: Date }>;
}

export class HitBatcher {
  private batch: HitBatch | null = null;
  private done: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private fail: ((err: unknown) => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly write: (batch: HitBatch) => Promise<void>,
    private readonly flushMs = 50,
  ) {}

  record(id: string, at: Date): Promise<void> {
    if (!this.batch) {
      this.batch = { hits: new Map() };
      this.done = new Promise<void>((resolve, reject) => {
        this.release = resolve;
        this.fail = reject;
      });
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    const h = this.batch.hits.get(id);
    if (!h) this.batch.hits.set(id, { n: 1, at });
    else {
      h.n += 1;
      if (at > h.at) h.at = at;
    }
    return this.done!;
  }

  /** Writes what is pending now; resolves when every batch written so far has settled. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    const release = this.release;
    const fail = this.fail;
    this.batch = null;
    this.done = this.release = this.fail = null;
    if (batch && release && fail) {
      const p = this.write(batch).then(release, fail);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
    await Promise.all([...this.inFlight]);
  }
}
