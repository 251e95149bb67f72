// The simulated tier server: OpenAI-compatible HTTP on loopback so a newcomer sees Cascade work
// with no GPU and no API key, and tests/benchmarks have a realistic upstream. Routes: POST
// /v1/chat/completions (stream or not), GET /v1/models, /health, and vLLM-style /metrics.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DEFAULT_SIM_MODELS, SIMULATED_CAPABILITIES, SIMULATED_PRICES, hash32, lastUserMessage, prng, simulatedAnswer,
  type OracleVerdict, type OutcomeOracle, type SimModelSpec,
} from './simulator-model';
import { applyStop, describeMedia, simulatedStructured, simulatedToolCalls, wireText } from './simulator-features';
import { capabilitiesOf } from './capabilities';
import { estimatePromptTokens } from './tokens';
import type { ChatMessage, TierConfig } from './types';

export * from './simulator-model';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Time compression: 10 makes every delay 10× shorter. Default 1 (real time). */
  speed?: number;
  seed?: number;
  /** Override fields of the default models, by id (e.g. { 'sim-small': { failureRate: 0.2 } }). */
  models?: Record<string, Partial<SimModelSpec>>;
  oracle?: OutcomeOracle;
  /** Largest accepted request body. Default 4 MB. */
  maxBodyBytes?: number;
}

export interface Simulator {
  url: string;
  baseUrl: string;
  models: SimModelSpec[];
  setFailureRate(model: string, rate: number): void;
  setOracle(oracle: OutcomeOracle | undefined): void;
  /** Requests served per model. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

interface ModelState {
  spec: SimModelSpec;
  running: number;
  waiting: (() => void)[];
  served: number;
  promptTokens: number;
  completionTokens: number;
}

/** TierConfigs for the simulator's three models, with the simulated prices: what embedded mode seeds. */
export function simulatedTierConfigs(baseUrl: string, timeoutMs = 60_000): TierConfig[] {
  return DEFAULT_SIM_MODELS.map((m) => ({
    id: `sim-${m.role}`,
    name: m.id,
    role: m.role,
    kind: 'simulated' as const,
    baseUrl,
    model: m.id,
    apiKey: null,
    ...SIMULATED_PRICES[m.role],
    maxConcurrency: m.maxConcurrency,
    timeoutMs,
    enabled: true,
    capabilities: capabilitiesOf(SIMULATED_CAPABILITIES),
  }));
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const speed = opts.speed && opts.speed > 0 && Number.isFinite(opts.speed) ? opts.speed : 1;
  const seed = opts.seed ?? 42;
  const maxBody = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  let oracle = opts.oracle;
  const failRand = prng(seed ^ 0x5eed);
  const models = new Map<string, ModelState>();
  for (const m of DEFAULT_SIM_MODELS) {
    const spec = { ...m, ...opts.models?.[m.id] };
    models.set(spec.id, { spec, running: 0, waiting: [], served: 0, promptTokens: 0, completionTokens: 0 });
  }
  for (const [id, over] of Object.entries(opts.models ?? {})) {
    if (!models.has(id) && over.role) models.set(id, { spec: { ...DEFAULT_SIM_MODELS.find((d) => d.role === over.role)!, ...over, id }, running: 0, waiting: [], served: 0, promptTokens: 0, completionTokens: 0 });
  }
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const t = setTimeout(() => (timers.delete(t), resolve()), ms);
          timers.add(t);
        });

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      if (!res.headersSent) error(res, 500, 'simulator failure', 'server_error');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (req.method === 'GET' && path === '/metrics') return void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText([...models.values()]));
    if (req.method === 'GET' && path === '/v1/models') {
      return json(res, 200, { object: 'list', data: [...models.values()].map((m) => ({ id: m.spec.id, object: 'model', created: 0, owned_by: 'cascade-simulator' })) });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') return error(res, 404, `no route ${req.method} ${path}`, 'not_found');
    const raw = await readBody(req, maxBody);
    if (raw === null) return error(res, 413, `request body over ${maxBody} bytes`, 'invalid_request_error');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error();
    } catch {
      return error(res, 400, 'request body is not a JSON object', 'invalid_request_error');
    }
    const wire = body.messages;
    const okContent = (c: unknown) => typeof c === 'string' || c === null || Array.isArray(c);
    if (!Array.isArray(wire) || wire.length === 0 || !wire.every((m) => m && typeof (m as { role?: unknown }).role === 'string' && okContent((m as { content?: unknown }).content ?? null))) {
      return error(res, 400, 'messages must be a non-empty array of { role, content: string | parts | null }', 'invalid_request_error');
    }
    const state = models.get(String(body.model));
    if (!state) return error(res, 404, `model ${JSON.stringify(body.model)} does not exist; try ${[...models.keys()].join(', ')}`, 'model_not_found');
    const messages = (wire as { role: ChatMessage['role']; content: unknown }[]).map((m) => ({ role: m.role, content: wireText(m.content).text }));
    const lastUser = [...wire].reverse().find((m) => (m as { role: string }).role === 'user') as { content: unknown } | undefined;
    const media = wireText(lastUser?.content);
    await serve(state, body, messages, wire as { role: string }[], media, req, res);
  }

  async function serve(state: ModelState, body: Record<string, unknown>, messages: ChatMessage[], wire: { role: string }[], media: { images: number; audio: number }, req: IncomingMessage, res: ServerResponse) {
    const { spec } = state;
    const prompt = lastUserMessage(messages);
    const verdict: OracleVerdict = oracle?.({ model: spec.id, role: spec.role, prompt, messages }) ?? {};
    if (verdict.status && verdict.status !== 200) return error(res, verdict.status, `simulated ${spec.role} says ${verdict.status}`, 'upstream_error');
    if (failRand() < spec.failureRate) return error(res, 500, `simulated ${spec.role} failure (failure rate ${spec.failureRate})`, 'server_error');

    let gone = false;
    res.on('close', () => (gone = true));
    // Admission like vLLM's scheduler: beyond maxConcurrency, requests wait.
    if (state.running >= spec.maxConcurrency) await new Promise<void>((r) => state.waiting.push(r));
    state.running++;
    try {
      const rand = prng(hash32(`${seed}|${spec.id}|${prompt}`));
      const wantsJson = ['json_object', 'json_schema'].includes((body.response_format as { type?: string } | undefined)?.type ?? '');
      const cap = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? Math.floor(body.max_tokens) : Infinity;
      const natural = spec.minTokens + Math.floor(rand() * (spec.maxTokens - spec.minTokens + 1));
      const quality = verdict.quality ?? Math.min(1, Math.max(0, spec.baseQuality + (rand() - 0.5) * 0.2));
      const correct = verdict.correct ?? rand() < spec.baseQuality;
      const idBase = hash32(`${seed}|${spec.id}|${prompt}|${wire.length}`).toString(16);
      const toolCalls = verdict.toolCalls ?? (verdict.content === undefined && !verdict.refuse && !verdict.empty ? simulatedToolCalls(body, wire, rand, idBase) : null);
      const structured = verdict.content === undefined ? simulatedStructured(body, rand) : null;
      let text: string;
      if (verdict.refuse) text = "I'm sorry, I can't help with that.";
      else if (verdict.empty || toolCalls) text = '';
      else if (verdict.content !== undefined) text = wantsJson ? verdict.content : `[simulated ${spec.role}] ${verdict.content}`;
      else if (structured !== null) text = structured;
      else text = simulatedAnswer(spec.role, prompt, Math.min(natural, cap), rand, wantsJson);
      if (!wantsJson && !toolCalls && (media.images || media.audio) && !verdict.refuse && !verdict.empty) text = `${describeMedia(media.images, media.audio)} ${text}`;
      const stopped = applyStop(text, body.stop);
      text = stopped.text;
      let tokens: string[] = text.match(/\s*\S+/g) ?? [];
      let finish = toolCalls ? 'tool_calls' : 'stop';
      if (tokens.length > cap) {
        tokens = tokens.slice(0, cap);
        finish = 'length';
      } else if (natural > cap && !verdict.content && !stopped.stopped && !toolCalls && structured === null) finish = 'length';
      // Bigger models are more confident: mean token logprob about -0.6 (small) .. -0.15 (large).
      const lpMean = spec.role === 'small' ? -0.6 : spec.role === 'medium' ? -0.3 : -0.15;
      const logprobOf = () => Math.min(0, lpMean * (0.5 + rand()));
      const promptTokens = estimatePromptTokens(messages);
      const usage = { prompt_tokens: promptTokens, completion_tokens: tokens.length, total_tokens: promptTokens + tokens.length };
      const sim = { model: spec.id, role: spec.role, quality, correct };
      const id = `chatcmpl-sim-${hash32(`${Date.now()}|${Math.random()}`).toString(16)}`;
      const created = Math.floor(Date.now() / 1000);
      const headers = { 'x-simulated-quality': quality.toFixed(3), 'x-simulated-correct': String(correct) };
      const wantLp = body.logprobs === true;
      const started = Date.now();
      await sleep(spec.ttftMs / speed);
      if (gone) return;
      state.served++;
      state.promptTokens += usage.prompt_tokens;
      state.completionTokens += usage.completion_tokens;

      if (body.stream !== true) {
        await sleep((tokens.length * 1000) / spec.tokensPerSecond / speed);
        if (gone) return;
        const n = typeof body.n === 'number' && body.n > 1 ? Math.min(16, Math.floor(body.n)) : 1;
        const choice = (index: number, words: string[]) => ({
          index,
          message: toolCalls && index === 0 ? { role: 'assistant', content: null, tool_calls: toolCalls } : { role: 'assistant', content: words.join('') },
          finish_reason: index === 0 ? finish : 'stop',
          logprobs: wantLp ? { content: words.map((t) => ({ token: t, logprob: logprobOf(), bytes: null, top_logprobs: [] })) } : null,
        });
        // Other choices are other samples: the same answer with its sentences in another order.
        const more = Array.from({ length: n - 1 }, (_, i) => choice(i + 1, [...tokens].sort(() => prng(hash32(`${idBase}|${i}`))() - 0.5)));
        return json(res, 200, { id, object: 'chat.completion', created, model: spec.id, system_fingerprint: `fp_sim_${spec.role}`, choices: [choice(0, tokens), ...more], usage, cascade_simulation: sim }, headers);
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
      const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
      const chunk = (delta: Record<string, unknown>, finish_reason: string | null, extra: Record<string, unknown> = {}) =>
        send({ id, object: 'chat.completion.chunk', created, model: spec.id, choices: [{ index: 0, delta, finish_reason, ...extra }] });
      chunk({ role: 'assistant', content: '' }, null);
      const perToken = 1000 / spec.tokensPerSecond / speed;
      for (let i = 0; i < tokens.length; i++) {
        if (gone) return;
        chunk({ content: tokens[i] }, null, wantLp ? { logprobs: { content: [{ token: tokens[i], logprob: logprobOf(), bytes: null, top_logprobs: [] }] } } : {});
        // Sleep to the token's due time; at high speed several tokens go out per timer tick.
        const due = started + spec.ttftMs / speed + (i + 1) * perToken;
        const wait = due - Date.now();
        if (wait >= 1) await sleep(wait);
        else if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      }
      // Tool calls as vLLM and OpenAI stream them: id and name first, then the arguments in pieces.
      toolCalls?.forEach((c, index) => {
        chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, null);
        const a = c.function.arguments;
        const half = Math.ceil(a.length / 2);
        for (const piece of [a.slice(0, half), a.slice(half)]) if (piece) chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null);
      });
      chunk({}, finish);
      const so = body.stream_options as { include_usage?: boolean } | undefined;
      if (so?.include_usage) send({ id, object: 'chat.completion.chunk', created, model: spec.id, choices: [], usage, cascade_simulation: sim });
      res.end('data: [DONE]\n\n');
    } finally {
      state.running--;
      state.waiting.shift()?.();
    }
  }

  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    models: [...models.values()].map((m) => m.spec),
    setFailureRate(model, rate) {
      const m = models.get(model);
      if (!m) throw new Error(`unknown simulated model ${model}`);
      if (!(rate >= 0 && rate <= 1)) throw new Error(`failure rate must be within 0..1, got ${rate}`);
      m.spec = { ...m.spec, failureRate: rate };
    },
    setOracle(o) {
      oracle = o;
    },
    counts: () => Object.fromEntries([...models.values()].map((m) => [m.spec.id, m.served])),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else parts.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra }).end(text);
}

function error(res: ServerResponse, status: number, message: string, type: string): void {
  json(res, status, { error: { message, type, param: null, code: null } });
}

/** vLLM's gauge and counter names, one series per served model. */
function metricsText(states: ModelState[]): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, type: 'gauge' | 'counter', value: (s: ModelState) => number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of states) lines.push(`${name}{model_name="${s.spec.id}"} ${value(s)}`);
  };
  gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', 'gauge', (s) => s.running);
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', 'gauge', (s) => s.waiting.length);
  gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', 'gauge', (s) => Math.min(1, s.running / s.spec.maxConcurrency));
  gauge('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', 'counter', (s) => s.promptTokens);
  gauge('vllm:generation_tokens_total', 'Number of generation tokens processed.', 'counter', (s) => s.completionTokens);
  return `${lines.join('\n')}\n`;
}
