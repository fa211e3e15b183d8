// A small seeded CNN (two conv layers) for feature-map and model-summary tests.
import * as tf from '@tensorflow/tfjs';

export function smallCnn(): tf.LayersModel {
  const model = tf.sequential({ name: 'tiny_cnn' });
  model.add(
    tf.layers.conv2d({
      inputShape: [16, 16, 1],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      name: 'conv_a',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
  model.add(
    tf.layers.conv2d({
      filters: 6,
      kernelSize: 3,
      activation: 'relu',
      name: 'conv_b',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      name: 'prob',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  return model;
}
