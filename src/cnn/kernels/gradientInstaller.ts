// Gradients radnb registers in place of tfjs' own, once each (tfjs warns on every re-registration, and a
// backend may be initialised many times in one kernel process), and whether a tape is recording.
import * as tf from '@tensorflow/tfjs';
import type { GradConfig } from '@tensorflow/tfjs-core';

/** A function that registers `configs` on its first call and does nothing on later ones. */
export function gradientInstaller(...configs: GradConfig[]): () => void {
  let installed = false;
  return () => {
    if (installed) return;
    installed = true;
    for (const config of configs) tf.registerGradient(config);
  };
}

/**
 * Whether a gradient tape records what runs now: inside tf.grad's function, or in a backward pass that a
 * second-order gradient will differentiate. radnb's fused kernels have no gradients of their own, so such
 * code runs tfjs' differentiable ops.
 */
export function tapeRecording(): boolean {
  return tf.engine().state.gradientDepth > 0;
}
