// Tensor counts from TensorFlow.js's engine, read from its global slot so the kernel need not load tfjs.
type Engine = { state?: { numTensors: number; numBytes: number } };

export function tensorStats(): { count: number; bytes: number } | undefined {
  const state = (globalThis as { _tfengine?: Engine })._tfengine?.state;
  return state ? { count: state.numTensors, bytes: state.numBytes } : undefined;
}
