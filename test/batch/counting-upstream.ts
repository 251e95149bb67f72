// A loopback OpenAI-compatible upstream that counts how many chat calls it serves at once (the
// capacity tests need the peak seen by the tier itself) and which prompts it was sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingUpstream {
  baseUrl: string;
  peak: number;
  prompts: string[];
  latencyMs: number;
  /** Requests after this many never get an answer (until the client gives up): a deterministic "mid-job". */
  holdAfter: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingUpstream(name: string, latencyMs = 20): Promise<CountingUpstream> {
  let inFlight = 0;
  const state = { peak: 0, prompts: [] as string[], latencyMs, holdAfter: Infinity, answered: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      inFlight++;
      state.peak = Math.max(state.peak, inFlight);
      let prompt = '';
      try {
        const msgs = (JSON.parse(body) as { messages?: Array<{ content: string }> }).messages ?? [];
        prompt = msgs.at(-1)?.content ?? '';
      } catch {
        prompt = '(unparsable)';
      }
      state.prompts.push(prompt);
      if (state.answered >= state.holdAfter) {
        res.on('close', () => inFlight--);
        return;
      }
      state.answered++;
      const timer = setTimeout(() => {
        inFlight--;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({
          id: 'x', object: 'chat.completion', created: 0, model: name,
          choices: [{ index: 0, message: { role: 'assistant', content: `${name} answers: ${prompt}` }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }));
      }, state.latencyMs);
      res.on('close', () => {
        if (!res.writableFinished) {
          clearTimeout(timer);
          inFlight--;
        }
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get peak() { return state.peak; },
    get prompts() { return state.prompts; },
    get latencyMs() { return state.latencyMs; },
    set latencyMs(v: number) { state.latencyMs = v; },
    get holdAfter() { return state.holdAfter; },
    set holdAfter(v: number) { state.holdAfter = v; state.answered = 0; },
    reset() { state.peak = 0; state.prompts = []; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  } as CountingUpstream;
}
