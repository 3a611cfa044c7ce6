import { TestEnvironment } from 'jest-environment-node';

/**
 * Jest runs each test file in its own V8 context, but onnxruntime-node's native binding creates output tensors with
 * the typed-array constructors of Node's main context, so `data instanceof Float32Array` fails inside the sandbox
 * ("A float32 tensor's data must be type of Float32Array"). Test files that run sessions select this environment
 * with a `@jest-environment` docblock; it shares the main context's typed arrays with the sandbox.
 */
export default class OnnxTestEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    const shared = {
      ArrayBuffer,
      DataView,
      Int8Array,
      Uint8Array,
      Uint8ClampedArray,
      Int16Array,
      Uint16Array,
      Int32Array,
      Uint32Array,
      Float32Array,
      Float64Array,
      BigInt64Array,
      BigUint64Array,
    };
    Object.assign(this.global, shared);
  }
}
