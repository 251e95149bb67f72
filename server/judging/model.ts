// The answer-quality model: P(answer is acceptable | features), a logistic regression on standardised
// features, or a one-hidden-layer network (ReLU) when `hidden` > 0. Exported to ONNX with onnx-proto
// (standardisation folded into the first layer) and run by onnxruntime-node; `forward` is the
// TypeScript reference the tests compare ONNX Runtime against.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'quality';

export interface QualityModel {
  dim: number;
  /** 0 = logistic regression. */
  hidden: number;
  /** Per-feature centre and scale the weights expect (folded into W1 on export). */
  mean: Float32Array;
  scale: Float32Array;
  /** hidden = 0: [dim] weights and [1] bias; otherwise W1 [dim, hidden], b1 [hidden], W2 [hidden], b2 [1]. */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Reference forward pass (float64 accumulation). */
export function forward(m: QualityModel, x: ArrayLike<number>): number {
  const z0 = Array.from({ length: m.dim }, (_, i) => (x[i] - m.mean[i]) / m.scale[i]);
  if (m.hidden === 0) {
    let z = m.b1[0];
    for (let i = 0; i < m.dim; i++) z += z0[i] * m.w1[i];
    return sigmoid(z);
  }
  let out = m.b2[0];
  for (let h = 0; h < m.hidden; h++) {
    let a = m.b1[h];
    for (let i = 0; i < m.dim; i++) a += z0[i] * m.w1[i * m.hidden + h];
    out += Math.max(0, a) * m.w2[h];
  }
  return sigmoid(out);
}

function tensor(name: string, dims: number[], data: ArrayLike<number>) {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function valueInfo(name: string, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });
}

/** First layer with the standardisation folded in: (x - mean) / scale · W + b = x · W' + b'. */
function folded(m: QualityModel): { W: Float32Array; b: Float32Array; width: number } {
  const width = m.hidden === 0 ? 1 : m.hidden;
  const W = new Float32Array(m.dim * width);
  const b = Float32Array.from(m.b1);
  for (let i = 0; i < m.dim; i++) {
    for (let h = 0; h < width; h++) {
      const w = m.w1[i * width + h] / m.scale[i];
      W[i * width + h] = w;
      b[h] -= w * m.mean[i];
    }
  }
  return { W, b, width };
}

/** Serialises as ONNX (IR 8, opset 13). Deterministic: same weights, same bytes. */
export function toOnnx(m: QualityModel, docString = ''): Uint8Array {
  const f = folded(m);
  const node = onnx.NodeProto;
  const nodes =
    m.hidden === 0
      ? [
          node.create({ opType: 'MatMul', input: [INPUT_NAME, 'W1'], output: ['xw'], name: 'matmul' }),
          node.create({ opType: 'Add', input: ['xw', 'b1'], output: ['logit'], name: 'add' }),
        ]
      : [
          node.create({ opType: 'MatMul', input: [INPUT_NAME, 'W1'], output: ['xw'], name: 'matmul1' }),
          node.create({ opType: 'Add', input: ['xw', 'b1'], output: ['pre'], name: 'add1' }),
          node.create({ opType: 'Relu', input: ['pre'], output: ['h'], name: 'relu' }),
          node.create({ opType: 'MatMul', input: ['h', 'W2'], output: ['hw'], name: 'matmul2' }),
          node.create({ opType: 'Add', input: ['hw', 'b2'], output: ['logit'], name: 'add2' }),
        ];
  nodes.push(node.create({ opType: 'Sigmoid', input: ['logit'], output: [OUTPUT_NAME], name: 'sigmoid' }));
  const initializer = [tensor('W1', [m.dim, f.width], f.W), tensor('b1', [f.width], f.b)];
  if (m.hidden > 0) initializer.push(tensor('W2', [m.hidden, 1], m.w2), tensor('b2', [1], m.b2));
  const graph = onnx.GraphProto.create({
    name: 'cascade-answer-quality',
    node: nodes,
    initializer,
    input: [valueInfo(INPUT_NAME, ['N', m.dim])],
    output: [valueInfo(OUTPUT_NAME, ['N', 1])],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'cascade', producerVersion: '1', docString, graph });
  return onnx.ModelProto.encode(model).finish();
}
