/**
 * The pruned network as an ONNX model, built with the ONNX protobuf definitions (onnx-proto).
 * One `Gemm` per Linear module (weights `[out, in]` with `transB = 1`, as PyTorch exports them and
 * under the same names as the safetensors file), `Relu` and `Softmax` for the activations. Input
 * `input` is `[N, 784]` float32; the output is `logits` or `probabilities`, after what the last
 * module gives.
 */
import type { onnx as Onnx } from 'onnx-proto';
import { onnx } from './onnx-proto';
import { float32LittleEndian, outputKind, type NamedTensor, type TorchModule } from './torch-sequential';

/** Opset 13 (ONNX 1.8) is the first with today's `Softmax` semantics; IR 7 is its file format. */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = onnx.Version.IR_VERSION_2020_5_8;
export const ONNX_INPUT_NAME = 'input';

export interface OnnxProducer {
  readonly name: string;
  readonly version: string;
}

function initializer(tensor: NamedTensor): Onnx.ITensorProto {
  return { name: tensor.name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [...tensor.shape], rawData: float32LittleEndian(tensor.data) };
}

function floatMatrix(name: string, columns: number): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: columns }] } } },
  };
}

const intAttribute = (name: string, value: number): Onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

function moduleNode(module: TorchModule, input: string, output: string): Onnx.INodeProto {
  switch (module.kind) {
    case 'linear':
      return {
        name: `/${module.position}/Gemm`,
        opType: 'Gemm',
        input: [input, module.weight.name, module.bias.name],
        output: [output],
        attribute: [intAttribute('transB', 1)],
      };
    case 'relu':
      return { name: `/${module.position}/Relu`, opType: 'Relu', input: [input], output: [output] };
    case 'softmax':
      return { name: `/${module.position}/Softmax`, opType: 'Softmax', input: [input], output: [output], attribute: [intAttribute('axis', 1)] };
  }
}

/** Serialized `ModelProto` bytes. `modules` from `torchSequential`; `metadata` becomes `metadata_props`. */
export function toOnnx(modules: readonly TorchModule[], producer: OnnxProducer, metadata: Record<string, string>, graphName = 'pruned'): Uint8Array {
  const linears = modules.filter((module) => module.kind === 'linear');
  if (linears.length === 0) throw new Error('an ONNX export needs at least one Linear layer');
  const outputName = outputKind(modules);
  let current = ONNX_INPUT_NAME;
  const nodes = modules.map((module, index) => {
    const output = index === modules.length - 1 ? outputName : `/${module.position}/output`;
    const node = moduleNode(module, current, output);
    current = output;
    return node;
  });
  const model: Onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: producer.name,
    producerVersion: producer.version,
    modelVersion: 1,
    graph: {
      name: graphName,
      node: nodes,
      initializer: linears.flatMap((linear) => [initializer(linear.weight), initializer(linear.bias)]),
      input: [floatMatrix(ONNX_INPUT_NAME, linears[0].inFeatures)],
      output: [floatMatrix(outputName, linears[linears.length - 1].outFeatures)],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
