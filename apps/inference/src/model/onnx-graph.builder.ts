import { onnx } from 'onnx-proto';

/**
 * A small ONNX writer over onnx-proto: enough to build the default model, the benchmark's YOLOv2 graph and the tiny
 * graphs the tests run. Tensors are stored as little-endian raw_data, which is what ONNX specifies.
 */
export type OnnxDimension = number | string;

export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attribute = {
  int: (value: number): OnnxAttribute => ({ kind: 'int', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value }),
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ kind: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
};

const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

function toAttributeProto(name: string, attr: OnnxAttribute): onnx.IAttributeProto {
  switch (attr.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: attr.value };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: [...attr.value] };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: attr.value };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...attr.value] };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(attr.value) };
  }
}

function valueInfo(name: string, elemType: number, dims: readonly OnnxDimension[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function bytesOf(data: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  /** A fresh tensor name with the given prefix, never returned twice. */
  name(prefix: string): string {
    let candidate = prefix;
    while (this.names.has(candidate)) candidate = `${prefix}_${++this.counter}`;
    this.names.add(candidate);
    return candidate;
  }

  input(name: string, dims: readonly OnnxDimension[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, DataType.FLOAT, dims));
    return name;
  }

  output(name: string, dims: readonly OnnxDimension[]): void {
    this.outputs.push(valueInfo(name, DataType.FLOAT, dims));
  }

  /** A float32 constant (weights, biases, anchors). */
  floats(prefix: string, data: Float32Array, dims: readonly number[]): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (expected !== data.length) throw new Error(`${prefix}: ${data.length} values for dims [${dims.join(',')}]`);
    const name = this.name(prefix);
    this.initializers.push({ name, dataType: DataType.FLOAT, dims: [...dims], rawData: bytesOf(data) });
    return name;
  }

  /** An int64 constant (shapes, axes, slice bounds). */
  int64s(prefix: string, values: readonly number[]): string {
    const name = this.name(prefix);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dataType: DataType.INT64, dims: [values.length], rawData: bytesOf(data) });
    return name;
  }

  /** Adds a node and returns the names of its outputs (one fresh name per requested output). */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, OnnxAttribute> = {},
    outputCount = 1,
    outputNames?: readonly string[],
  ): string[] {
    const outputs = outputNames
      ? outputNames.map((n) => {
          this.names.add(n);
          return n;
        })
      : Array.from({ length: outputCount }, () => this.name(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: this.name(`${opType}_node`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => toAttributeProto(key, value)),
    });
    return outputs;
  }

  /** Shorthand for a node with exactly one output. */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, OnnxAttribute> = {},
    outputName?: string,
  ): string {
    return this.node(opType, inputs, attributes, 1, outputName ? [outputName] : undefined)[0];
  }

  toModel(options: { opset?: number; producer?: string; docString?: string } = {}): onnx.IModelProto {
    return {
      irVersion: 8,
      producerName: options.producer ?? 'farmhand',
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: options.opset ?? 13 }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }

  toBytes(options: { opset?: number; producer?: string; docString?: string } = {}): Uint8Array {
    return onnx.ModelProto.encode(onnx.ModelProto.create(this.toModel(options))).finish();
  }
}
