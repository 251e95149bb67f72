// Fire-and-forget work the request path starts after answering (cache stores): tracked so shutdown
// can wait for it instead of cutting it, and tests can wait for it instead of polling.
export class BackgroundTasks {
  private readonly pending = new Set<Promise<unknown>>();

  /** Adds a task; its failure is the task's own business (it never rejects whenIdle). */
  track(task: Promise<unknown>): void {
    const t = task.catch(() => undefined).finally(() => this.pending.delete(t));
    this.pending.add(t);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once every task tracked so far, and any they lead to, has settled. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
