/**
 * Jest runs each test file in its own V8 context, whose `Float32Array` is not the one of Node's main context.
 * onnxruntime-node's native binding returns output tensors backed by main-context typed arrays, and
 * onnxruntime-common then rejects them (`A float32 tensor's data must be type of function Float32Array()`) because
 * its `instanceof` check uses the test context's constructor. Outside Jest (a deployed function, `npm start`, the
 * e2e tests' stage processes) there is only one context and nothing to fix. Call this before onnxruntime is loaded.
 */
import { runInThisContext } from 'node:vm';

const TYPED_ARRAYS = [
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

/** Makes the test context use Node's main-context typed array constructors. */
export function useNodeTypedArrays(): void {
  for (const name of TYPED_ARRAYS) {
    (globalThis as Record<string, unknown>)[name] = runInThisContext(name);
  }
}
