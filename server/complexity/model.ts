// The classifier: multinomial logistic regression over the feature vector, its TypeScript reference
// forward pass, and ONNX export/import (MatMul -> Add -> Softmax) built with onnx-proto.
import onnxProto from 'onnx-proto';
import { BANDS } from './types';

const { onnx } = onnxProto;

export const CLASSES = BANDS.length;
export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'probs';
/** Inputs of the serving graph (toOnnxSparse): a row's non-zero feature indices and their values. */
export const SPARSE_INDICES = 'indices';
export const SPARSE_VALUES = 'values';

export interface LinearModel {
  dim: number;
  /** Row-major [dim, CLASSES]. */
  weights: Float32Array;
  bias: Float32Array;
}

/** Softmax of logits in place, numerically safe; non-finite input yields the uniform distribution. */
export function softmax(z: Float64Array | number[]): number[] {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  if (!Number.isFinite(max)) return Array.from(z, () => 1 / z.length);
  const e = Array.from(z, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Reference forward pass over a sparse row (float32 weights, float64 accumulation). */
export function logitsSparse(m: LinearModel, indices: Int32Array, values: Float32Array): Float64Array {
  const z = Float64Array.from(m.bias);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i] * CLASSES;
    const v = values[i];
    for (let c = 0; c < CLASSES; c++) z[c] += v * m.weights[row + c];
  }
  return z;
}

export function forwardSparse(m: LinearModel, indices: Int32Array, values: Float32Array): number[] {
  return softmax(logitsSparse(m, indices, values));
}

function tensor(name: string, dims: number[], data: Float32Array) {
  // raw_data is little-endian; copy so the bytes do not depend on the source buffer's offset.
  const raw = new Uint8Array(data.byteLength);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}

/** Serialises the model as ONNX (IR 8, opset 13). Deterministic: same weights, same bytes. */
export function toOnnx(m: LinearModel, docString = ''): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'cascade-complexity',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: [INPUT_NAME, 'W'], output: ['xw'], name: 'matmul' }),
      onnx.NodeProto.create({ opType: 'Add', input: ['xw', 'b'], output: ['logits'], name: 'add' }),
      onnx.NodeProto.create({
        opType: 'Softmax',
        input: ['logits'],
        output: [OUTPUT_NAME],
        name: 'softmax',
        attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
      }),
    ],
    initializer: [tensor('W', [m.dim, CLASSES], m.weights), tensor('b', [CLASSES], m.bias)],
    input: [valueInfo(INPUT_NAME, ['N', m.dim])],
    output: [valueInfo(OUTPUT_NAME, ['N', CLASSES]), valueInfo('logits', ['N', CLASSES])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'cascade',
    producerVersion: '1',
    docString,
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * The same model as a graph over one row's non-zeros: Gather the rows of W named by `indices` (int32
 * [K]), scale them by `values` ([K, 1]), ReduceSum them (keepdims: [1, CLASSES]), Add b, Softmax. A
 * query has tens of non-zero features out of tens of thousands, so this reads K rows of W instead of
 * multiplying a dense 100 kB row by all of it (the MatMul graph of toOnnx, kept as the artifact).
 * K = 0 works: the sum over no rows is zero, leaving softmax(b).
 */
export function toOnnxSparse(m: LinearModel): Uint8Array {
  const { TensorProto } = onnx;
  const int64 = (name: string, values: number[]) => TensorProto.create({ name, dims: [values.length], dataType: TensorProto.DataType.INT64, int64Data: values });
  const input = (name: string, elemType: number, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
  const graph = onnx.GraphProto.create({
    name: 'cascade-complexity-sparse',
    node: [
      onnx.NodeProto.create({ opType: 'Gather', input: ['W', SPARSE_INDICES], output: ['rows'], name: 'gather', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }),
      onnx.NodeProto.create({ opType: 'Mul', input: ['rows', SPARSE_VALUES], output: ['scaled'], name: 'scale' }),
      onnx.NodeProto.create({ opType: 'ReduceSum', input: ['scaled', 'axis0'], output: ['xw'], name: 'sum', attribute: [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['xw', 'b'], output: ['logits'], name: 'add' }),
      onnx.NodeProto.create({ opType: 'Softmax', input: ['logits'], output: [OUTPUT_NAME], name: 'softmax', attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }),
    ],
    initializer: [tensor('W', [m.dim, CLASSES], m.weights), tensor('b', [CLASSES], m.bias), int64('axis0', [0])],
    input: [input(SPARSE_INDICES, TensorProto.DataType.INT32, ['K']), input(SPARSE_VALUES, TensorProto.DataType.FLOAT, ['K', 1])],
    output: [valueInfo(OUTPUT_NAME, [1, CLASSES])],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'cascade', producerVersion: '1', graph })).finish();
}

function readFloats(t: { rawData?: Uint8Array | null; floatData?: number[] | null }): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    const out = new Float32Array(t.rawData.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  return Float32Array.from(t.floatData ?? []);
}

/** Reads the weights back from ONNX bytes, so explanations use exactly what ONNX Runtime runs. */
export function fromOnnx(bytes: Uint8Array): LinearModel {
  const model = onnx.ModelProto.decode(bytes);
  const init = new Map((model.graph?.initializer ?? []).map((t) => [t.name, t]));
  const W = init.get('W');
  const b = init.get('b');
  if (!W || !b) throw new Error('complexity model: ONNX graph lacks the W/b initializers');
  const weights = readFloats(W);
  const bias = readFloats(b);
  if (bias.length !== CLASSES || weights.length % CLASSES !== 0) throw new Error('complexity model: unexpected weight shapes');
  return { dim: weights.length / CLASSES, weights, bias };
}
