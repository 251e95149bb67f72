// Two small concurrency primitives of the runner: an async FIFO that workers pull from while
// classification is still filling it, and a counting gate per tier shared by all jobs, so two
// jobs at once still send a tier no more than its capacity.

export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(v: T | null) => void> = [];
  private closed = false;

  push(item: T): void {
    const w = this.waiters.shift();
    if (w) w(item);
    else this.items.push(item);
  }

  /** No more pushes: waiting and later next() calls get null once the items are gone. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(null);
  }

  next(): Promise<T | null> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export class Gate {
  private active = 0;
  private peak = 0;
  private readonly waiters: Array<() => void> = [];

  /** `capacity` is read at every grant, so a tier's edited concurrency applies to running jobs. */
  constructor(private readonly capacity: () => number) {}

  /** Resolves true with a slot, or false when `signal` aborts first. */
  acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.active < this.capacity() && this.waiters.length === 0) {
      this.take();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.take();
        resolve(true);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  release(): void {
    this.active--;
    while (this.active < this.capacity() && this.waiters.length > 0) this.waiters.shift()!();
  }

  /** Most slots ever held at once (observability and the capacity test). */
  get maxInFlight(): number {
    return this.peak;
  }

  private take(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }
}
