// Client for an OpenAI-compatible POST {baseUrl}/embeddings (OpenAI, vLLM, TEI, Ollama, LiteLLM),
// configured as a tier with role 'embedding'. The response is validated strictly: a wrong count, a
// wrong dimension or a non-finite number is an EmbeddingError, never a silently bad vector.
import type { TierConfig } from '../tiers/types';
import { EmbeddingError, normalizeL2, type Embedder } from './types';

export interface OpenAIEmbedderOptions {
  tier: Pick<TierConfig, 'name' | 'role' | 'baseUrl' | 'model' | 'apiKey' | 'timeoutMs'>;
  /** Expected dimension. When omitted it is learnt from the first response (call `probe()`). */
  dim?: number;
  batchSize?: number;
  /** Inputs are cut to this many characters: embedding servers reject over-long inputs. */
  maxChars?: number;
  fetchImpl?: typeof fetch;
}

interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: unknown }>;
}

export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  private dimension: number | undefined;
  private readonly url: string;
  private readonly batchSize: number;
  private readonly maxChars: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: OpenAIEmbedderOptions) {
    if (opts.tier.role !== 'embedding') throw new EmbeddingError(`tier ${opts.tier.name} has role ${opts.tier.role}, not 'embedding'`, 'input');
    this.url = `${opts.tier.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.id = `openai:${opts.tier.name}:${opts.tier.model}`;
    this.dimension = opts.dim;
    this.batchSize = Math.max(1, opts.batchSize ?? 64);
    this.maxChars = Math.max(1, opts.maxChars ?? 8000);
    this.fetchImpl = opts.fetchImpl ?? fetch;
  }

  get dim(): number {
    if (this.dimension === undefined) throw new EmbeddingError('dimension unknown: call probe() first or pass dim', 'dimension');
    return this.dimension;
  }

  /** Embeds a short text once to learn the dimension. */
  async probe(): Promise<number> {
    await this.embed(['dimension probe']);
    return this.dim;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      out.push(...(await this.batch(texts.slice(i, i + this.batchSize))));
    }
    return out;
  }

  private async batch(texts: string[]): Promise<Float32Array[]> {
    // Servers reject empty strings; a single space embeds to "nothing in particular".
    const input = texts.map((t) => (typeof t === 'string' && t.trim() ? t.slice(0, this.maxChars) : ' '));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.tier.apiKey) headers.authorization = `Bearer ${this.opts.tier.apiKey}`;
    let res: Response;
    try {
      res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.opts.tier.model, input, encoding_format: 'float' }),
        signal: AbortSignal.timeout(this.opts.tier.timeoutMs > 0 ? this.opts.tier.timeoutMs : 10_000),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new EmbeddingError(`embeddings request to ${this.url} failed: ${err instanceof Error ? err.message : String(err)}`, timeout ? 'timeout' : 'http');
    }
    if (!res.ok) {
      const body = (await res.text().catch(() => '')).slice(0, 200);
      throw new EmbeddingError(`embeddings endpoint answered HTTP ${res.status}: ${body}`, 'http');
    }
    let json: EmbeddingsResponse;
    try {
      json = (await res.json()) as EmbeddingsResponse;
    } catch {
      throw new EmbeddingError('embeddings endpoint answered with invalid JSON', 'bad_response');
    }
    const data = Array.isArray(json?.data) ? json.data : null;
    if (!data || data.length !== texts.length) {
      throw new EmbeddingError(`expected ${texts.length} embeddings, got ${data ? data.length : 'none'}`, 'bad_response');
    }
    // The spec orders by `index`; some servers omit it, then array order is used.
    const sorted = data.every((d) => typeof d.index === 'number') ? [...data].sort((a, b) => a.index! - b.index!) : data;
    return sorted.map((d) => this.toVector(d.embedding));
  }

  private toVector(raw: unknown): Float32Array {
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new EmbeddingError('embedding is not a non-empty array of finite numbers', 'bad_response');
    }
    if (this.dimension === undefined) this.dimension = raw.length;
    if (raw.length !== this.dimension) throw new EmbeddingError(`embedding has ${raw.length} dimensions, expected ${this.dimension}`, 'dimension');
    return normalizeL2(Float32Array.from(raw as number[]));
  }
}
