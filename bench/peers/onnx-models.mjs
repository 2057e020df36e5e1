// The ONNX graphs of the workloads, built in code with onnx-proto (ONNX v1.10 protobuf, IR 8,
// opset 13): nothing downloaded. Each builder returns the model's bytes and its input/output names.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

const dim = (d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
const value = (name, elemType, dims) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } } });
const node = (opType, input, output, attribute = []) => onnx.NodeProto.create({ opType, input, output, attribute });
const str = (name, s) => ({ name, type: A.STRING, s: new TextEncoder().encode(s) });
const int = (name, i) => ({ name, type: A.INT, i });
/** An int64 constant (axes for ReduceSum/Unsqueeze/Squeeze, which take them as inputs from opset 13). */
const int64s = (name, values) =>
  onnx.TensorProto.create({ name, dataType: T.INT64, dims: [values.length], int64Data: values });

function model(name, nodes, inputs, outputs, initializer = []) {
  const graph = onnx.GraphProto.create({ name, node: nodes, input: inputs, output: outputs, initializer });
  const m = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'xentropy-bench',
    graph,
  });
  return onnx.ModelProto.encode(m).finish();
}

/** Softmax cross-entropy of f32 logits [n, k] against int32 class indices [n], reduced by `reduction`. */
export function softmaxCrossEntropy(reduction) {
  return model(
    'softmax_cross_entropy',
    [node('SoftmaxCrossEntropyLoss', ['logits', 'labels'], ['loss'], [str('reduction', reduction)])],
    [value('logits', T.FLOAT, ['n', 'k']), value('labels', T.INT32, ['n'])],
    [value('loss', T.FLOAT, [])],
  );
}

/** Entropy per row of f64 p [n, k]: -ReduceSum(p · Log(p), axis 1). (p = 0 would give NaN: the inputs are > 0.) */
export function entropy() {
  return model(
    'entropy',
    [
      node('Log', ['p'], ['log_p']),
      node('Mul', ['p', 'log_p'], ['p_log_p']),
      node('ReduceSum', ['p_log_p', 'axis1'], ['s'], [int('keepdims', 0)]),
      node('Neg', ['s'], ['h']),
    ],
    [value('p', T.DOUBLE, ['n', 'k'])],
    [value('h', T.DOUBLE, ['n'])],
    [int64s('axis1', [1])],
  );
}

/** Cross-entropy per row against int32 class indices: -Log(GatherElements(q, y[:, None], axis 1)), f32. */
export function crossEntropyIndex() {
  return model(
    'cross_entropy_index',
    [
      node('Unsqueeze', ['labels', 'axis1'], ['idx']),
      node('GatherElements', ['q', 'idx'], ['q_y'], [int('axis', 1)]),
      node('Log', ['q_y'], ['log_q_y']),
      node('Neg', ['log_q_y'], ['ce2']),
      node('Squeeze', ['ce2', 'axis1'], ['ce']),
    ],
    [value('q', T.FLOAT, ['n', 'k']), value('labels', T.INT32, ['n'])],
    [value('ce', T.FLOAT, ['n'])],
    [int64s('axis1', [1])],
  );
}

/** KL divergence per row of f64 p, q [n, k]: ReduceSum(p · (Log(p) - Log(q)), axis 1). */
export function klDivergence() {
  return model(
    'kl_divergence',
    [
      node('Log', ['p'], ['log_p']),
      node('Log', ['q'], ['log_q']),
      node('Sub', ['log_p', 'log_q'], ['d']),
      node('Mul', ['p', 'd'], ['pd']),
      node('ReduceSum', ['pd', 'axis1'], ['kl'], [int('keepdims', 0)]),
    ],
    [value('p', T.DOUBLE, ['n', 'k']), value('q', T.DOUBLE, ['n', 'k'])],
    [value('kl', T.DOUBLE, ['n'])],
    [int64s('axis1', [1])],
  );
}

/** Information content of f64 values: Neg(Log(p)). */
export function informationContent() {
  return model(
    'information_content',
    [node('Log', ['p'], ['log_p']), node('Neg', ['log_p'], ['ic'])],
    [value('p', T.DOUBLE, ['n'])],
    [value('ic', T.DOUBLE, ['n'])],
  );
}
