// Node-side encoders of the non-DICOM views: feature maps of a real tfjs model, model summary, plotly
// figures with their PNG fallback.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { getFormatters, type MimeBundle } from '../../src/common/display';
import { featureMapsView } from '../../src/cnn/explain';
import { featureMapsBundle } from '../../src/display/featureMaps';
import { modelFormatter, registerDisplayFormatters, viewerImageFormatter } from '../../src/display/formatters';
import { decodeFeatureMapsPayload } from '../../src/common/featureMapsPayload';
import { modelSummaryBundle } from '../../src/display/modelSummary';
import { plotlyBundle } from '../../src/display/plotly';
import { readPng } from '../support/pngReader';
import { smallCnn } from '../support/tinyCnn';

before(async () => {
  await tf.setBackend('cpu');
});

test('feature maps of every conv layer equal the layer outputs, without leaking tensors', async () => {
  const model = smallCnn();
  const input = tf.tidy(() => tf.linspace(0, 1, 256).reshape([16, 16, 1]));
  const tensorsBefore = tf.memory().numTensors;
  const maps = featureMapsView(model, input).maps;
  assert.equal(tf.memory().numTensors, tensorsBefore);
  assert.deepEqual(
    maps.layers.map((l) => [l.name, l.height, l.width, l.channels]),
    [
      ['conv_a', 14, 14, 4],
      ['conv_b', 5, 5, 6],
    ],
  );
  const expected = tf.tidy(() =>
    (
      tf
        .model({ inputs: model.inputs, outputs: model.getLayer('conv_b').output as tf.SymbolicTensor })
        .predict(input.expandDims(0)) as tf.Tensor
    ).dataSync(),
  );
  assert.deepEqual(Array.from(maps.layers[1].values), Array.from(expected));
  assert.deepEqual(
    [maps.filters?.layer, maps.filters?.kernelHeight, maps.filters?.inChannels, maps.filters?.outChannels],
    ['conv_a', 3, 1, 4],
  );

  const bundle = featureMapsBundle(maps);
  const { header, layers, filters } = await decodeFeatureMapsPayload(
    bundle['application/vnd.radnb.featuremaps'] as Uint8Array,
    (b) => inflateSync(b),
  );
  // Channel 0 of conv_b: normalised on its own range, the maximum is 255 at the same place.
  const values = maps.layers[1].values;
  const channel0 = Array.from({ length: 25 }, (_, i) => values[i * 6]);
  const [min, max] = header.layers[1].ranges[0];
  assert.deepEqual([min, max], [Math.min(...channel0), Math.max(...channel0)]);
  if (max > min) assert.equal(layers[1][channel0.indexOf(max)], 255);
  assert.equal(filters?.length, 4 * 3 * 3);
  const mosaic = readPng(bundle['image/png'] as Buffer);
  assert.deepEqual([mosaic.width, mosaic.height], [4 * 15 - 1, 14]);
  assert.match(String(bundle['text/plain']), /^Feature maps of .+: conv_a 14×14×4, conv_b 5×5×6$/);
  input.dispose();
});

test('a model without conv layers is refused with its name', () => {
  const model = tf.sequential({ name: 'mlp', layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  assert.throws(() => featureMapsView(model, tf.zeros([4])), /model "mlp" has no convolutional layer/);
});

test('model summary lists layers, output shapes and parameter counts', () => {
  const bundle = modelSummaryBundle(smallCnn());
  const view = bundle['application/vnd.radnb.model+json'] as {
    layers: { name: string; outputShape: unknown; params: number }[];
    totalParams: number;
    trainableParams: number;
  };
  assert.deepEqual(
    view.layers.map((l) => [l.name, l.outputShape, l.params]),
    [
      ['conv_a', [null, 14, 14, 4], 40],
      ['pool', [null, 7, 7, 4], 0],
      ['conv_b', [null, 5, 5, 6], 222],
      ['flat', [null, 150], 0],
      ['prob', [null, 1], 151],
    ],
  );
  assert.equal(view.totalParams, 413);
  assert.equal(view.trainableParams, 413);
  assert.match(bundle['text/plain'] as string, /conv_b \(Conv2D\)\s+\[null,5,5,6\]\s+222\n[\s\S]*Total params: 413/);
});

test('a plotly figure carries a PNG with one panel per y axis in the trace colours', () => {
  const x = [1, 2, 3, 4, 5];
  const bundle = plotlyBundle({
    data: [
      { name: 'loss', x, y: [0.9, 0.6, 0.4, 0.3, 0.25] },
      { name: 'accuracy', x, y: [0.5, 0.7, 0.8, 0.85, 0.9], yaxis: 'y2' },
    ],
    layout: { title: { text: 'Training' }, meta: { radnbLive: false } },
  });
  assert.equal(bundle['text/plain'], 'Training · loss 0.25 · accuracy 0.9');
  const png = readPng(bundle['image/png'] as Buffer);
  assert.deepEqual([png.width, png.height, png.channels], [640, 360, 3]);
  const count = (rgb: number[], top: number, bottom: number): number => {
    let n = 0;
    for (let y = top; y < bottom; y++)
      for (let x = 0; x < png.width; x++) {
        const i = (y * png.width + x) * 3;
        if (png.pixels[i] === rgb[0] && png.pixels[i + 1] === rgb[1] && png.pixels[i + 2] === rgb[2]) n++;
      }
    return n;
  };
  assert.ok(count([31, 119, 180], 0, 180) > 300, 'loss drawn in the first panel');
  assert.equal(count([31, 119, 180], 180, 360), 0);
  assert.ok(count([255, 127, 14], 180, 360) > 300, 'accuracy drawn in the second panel');
  assert.equal(plotlyBundle({ data: [{ name: 'loss', y: [] }] })['image/png'], undefined);
});

test('registered formatters show DICOM-like values in the viewer and tfjs models as summaries', async () => {
  registerDisplayFormatters();
  registerDisplayFormatters(); // a second bundle importing the module must not register twice
  const formatters = getFormatters().filter((f) => f === viewerImageFormatter || f === modelFormatter);
  assert.equal(formatters.length, 2);
  const image = {
    toViewerImage: () => ({
      rows: 2,
      columns: 2,
      frames: 1,
      samplesPerPixel: 1 as const,
      pixels: new Int16Array([0, 1, 2, 3]),
      slope: 1,
      intercept: -1024,
      units: 'HU',
    }),
  };
  const bundle = (await viewerImageFormatter(image)) as MimeBundle;
  assert.deepEqual(Object.keys(bundle), ['application/vnd.radnb.dicom', 'image/png', 'text/plain']);
  assert.equal(await viewerImageFormatter({ rows: 2 }), undefined);
  const summary = (await modelFormatter(smallCnn())) as MimeBundle;
  assert.equal((summary['application/vnd.radnb.model+json'] as { totalParams: number }).totalParams, 413);
  assert.equal(await modelFormatter({ layers: [] }), undefined);
});
