// A closed-loop load through the load balancer for the scale-out test and bench: `concurrency`
// clients each send one chat request after the other until stop(); every answer is kept with
// the replica that served it (HAProxy's x-served-by) and its decision id.
export interface Answer {
  status: number;
  decisionId: string | null;
  servedBy: string | null;
  at: number;
  error?: string;
}

export function startLoad(o: { url: string; key: string; concurrency: number; model?: string; prompt?: (i: number) => string }) {
  const answers: Answer[] = [];
  let stopped = false;
  let n = 0;
  const one = async () => {
    const i = n++;
    try {
      const res = await fetch(`${o.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: o.model ?? 'small', messages: [{ role: 'user', content: o.prompt?.(i) ?? `load request ${i}: name a colour` }] }),
      });
      await res.arrayBuffer();
      answers.push({ status: res.status, decisionId: res.headers.get('x-cascade-decision-id'), servedBy: res.headers.get('x-served-by'), at: Date.now() });
    } catch (err) {
      answers.push({ status: 0, decisionId: null, servedBy: null, at: Date.now(), error: (err as Error).message });
    }
  };
  const workers = Array.from({ length: o.concurrency }, async () => {
    while (!stopped) await one();
  });
  return {
    answers,
    async stop(): Promise<Answer[]> {
      stopped = true;
      await Promise.all(workers);
      return answers;
    },
  };
}
