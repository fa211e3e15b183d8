// Cascading model randomisation (Adebayo et al. 2018, "Sanity checks for saliency maps"): re-draw the
// weights layer by layer from the output down and compare each explanation with the original one. An
// explanation that still looks the same once the learned weights are gone does not explain the model.
// Kernels (weights of rank ≥ 2) are re-drawn from a seeded truncated normal with the original kernel's
// standard deviation, so activations keep their scale; biases and normalisation statistics are kept
// (re-drawn variances could turn negative). The model's weights are restored afterwards.
import * as tf from '@tensorflow/tfjs';
import { DISPLAY, type MimeBundle } from '../../common/display';
import { metricsBundle } from '../metrics/display';
import type { TableView } from '../../common/metricsViews';
import { ExplainError } from './errors';
import type { Explanation } from './explanation';
import { allLayers } from './layers';
import { heatmapSsim, spearman } from './similarity';

export type ExplainFn = (model: tf.LayersModel, input: tf.Tensor) => Explanation;

export interface SanityStep {
  /** The layer randomised last; every layer above it is randomised too. */
  layer: string;
  explanation: Explanation;
  /** Spearman rank correlation with the original explanation. */
  spearman: number;
  /** SSIM with the original explanation (NaN for maps under 11×11). */
  ssim: number;
}

export class SanityCheck {
  constructor(
    readonly original: Explanation,
    readonly steps: SanityStep[],
  ) {}

  toTable(): TableView {
    return {
      kind: 'table',
      title: `Cascading randomisation — ${this.original.title()}`,
      columns: ['randomised down to', 'Spearman ρ', 'SSIM'],
      rows: [['(none)', 1, 1], ...this.steps.map((s) => [s.layer, s.spearman, s.ssim])],
      notes: [
        'Similarity that stays high after randomisation means the explanation does not depend on the learned weights.',
      ],
    };
  }

  [DISPLAY](): MimeBundle {
    return metricsBundle(this.toTable());
  }
}

export interface SanityCheckOptions {
  /** Seed of the re-drawn weights. Default 0. */
  seed?: number;
}

/** `explain` is called on the model as trained, then after each cumulative randomisation step. */
export function sanityCheck(
  model: tf.LayersModel,
  input: tf.Tensor,
  explain: ExplainFn,
  options: SanityCheckOptions = {},
): SanityCheck {
  const { seed = 0 } = options;
  const layers = allLayers(model)
    .filter((l) => !Array.isArray((l as Partial<tf.LayersModel>).layers) && l.getWeights().some((w) => w.rank >= 2))
    .reverse();
  if (layers.length === 0) throw new ExplainError('sanityCheck', `model "${model.name}" has no layer with kernels`);
  const original = explain(model, input);
  const saved = layers.map((l) => l.getWeights().map((w) => w.clone()));
  try {
    const steps = layers.map((layer, i): SanityStep => {
      const randomised = tf.tidy(() =>
        layer.getWeights().map((w, j) => {
          if (w.rank < 2) return w.clone();
          const std = tf.moments(w).variance.sqrt().dataSync()[0];
          return tf.truncatedNormal(w.shape, 0, std > 0 ? std : 0.05, 'float32', seed + 1000 * i + j);
        }),
      );
      layer.setWeights(randomised);
      tf.dispose(randomised);
      const explanation = explain(model, input);
      return {
        layer: layer.name,
        explanation,
        spearman: spearman(original.values, explanation.values),
        ssim: heatmapSsim(original.values, explanation.values, original.height, original.width),
      };
    });
    return new SanityCheck(original, steps);
  } finally {
    layers.forEach((layer, i) => layer.setWeights(saved[i]));
    tf.dispose(saved.flat());
  }
}
