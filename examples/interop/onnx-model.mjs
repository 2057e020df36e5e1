// A tiny ONNX classifier built in code (onnx-proto, IR 8, opset 13), so the example needs no
// download: logits = X · W + b for X [n, 4] float32, W [4, 3], b [3] (initializers).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** Fixed weights of the example model: 4 features, 3 classes. */
export const W = [
  [1.5, -0.5, 0.25],
  [-1, 2, 0.5],
  [0.5, 0.25, -1.25],
  [0, -0.75, 1],
];
export const B = [0.1, -0.2, 0.05];

const shape = (dims) => ({ dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) });
const value = (name, dims) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: shape(dims) } } });
const tensor = (name, dims, values) => onnx.TensorProto.create({ name, dataType: FLOAT, dims, floatData: values });

/** The model's protobuf bytes: input `features` [n, 4], output `logits` [n, 3]. */
export function linearClassifier() {
  const graph = onnx.GraphProto.create({
    name: 'linear_classifier',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['features', 'W'], output: ['xw'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['xw', 'b'], output: ['logits'] }),
    ],
    input: [value('features', ['n', 4])],
    output: [value('logits', ['n', 3])],
    initializer: [tensor('W', [4, 3], W.flat()), tensor('b', [3], B)],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'xentropy-examples',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
