// The answer-quality model at run time: ONNX bytes in an onnxruntime-node session (the native
// session the complexity analyzer uses, else the public API), scoring feature rows in one run.
import * as ort from 'onnxruntime-node';
import { nativeSession, SESSION_OPTIONS, type NativeSession } from '../complexity/analyzer';
import { INPUT_NAME, OUTPUT_NAME } from './model';

export class QualityScorer {
  private constructor(
    private readonly native: NativeSession | null,
    private readonly session: ort.InferenceSession | null,
    readonly dim: number,
    readonly modelVersion: string,
  ) {}

  static async create(onnxBytes: Uint8Array, dim: number, modelVersion: string): Promise<QualityScorer> {
    const native = nativeSession(onnxBytes);
    const session = native ? null : await ort.InferenceSession.create(onnxBytes, SESSION_OPTIONS);
    return new QualityScorer(native, session, dim, modelVersion);
  }

  /** P(acceptable) per row. */
  async score(rows: Float32Array[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const x = new Float32Array(rows.length * this.dim);
    rows.forEach((r, i) => {
      if (r.length !== this.dim) throw new Error(`answer-quality model: expected ${this.dim} features, got ${r.length}`);
      x.set(r, i * this.dim);
    });
    const feeds = { [INPUT_NAME]: new ort.Tensor('float32', x, [rows.length, this.dim]) };
    const out = this.native ? this.native.run(feeds, { [OUTPUT_NAME]: null }, {}) : await this.session!.run(feeds);
    return Array.from(out[OUTPUT_NAME].data as Float32Array);
  }

  async close(): Promise<void> {
    this.native?.dispose();
    await this.session?.release();
  }
}
