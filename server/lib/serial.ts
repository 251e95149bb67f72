// Runs an async job one at a time, and never drops a request to run it: a call made while a run is
// in progress gets one more run after it (calls made during the same run share that one), because
// the state it should see may have changed after the running one started reading.
export function serialized(job: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let pending: Promise<void> | null = null;
  const run = (): Promise<void> => {
    if (running) {
      pending ??= running
        .catch(() => undefined)
        .then(() => {
          pending = null;
          return run();
        });
      return pending;
    }
    running = job().finally(() => {
      running = null;
    });
    return running;
  };
  return run;
}
