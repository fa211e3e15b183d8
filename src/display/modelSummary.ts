// Model summary output (application/vnd.radnb.model+json, shape in src/common/modelSummaryView.ts) of a tfjs
// LayersModel, plus a text table in the style of Keras' model.summary() for viewers without radnb.
import type { LayersModel } from '@tensorflow/tfjs';
import { MIME, type MimeBundle } from '../common/display';
import { formatShape, type ModelSummaryView, type Shape } from '../common/modelSummaryView';

export function summarizeModel(model: LayersModel): ModelSummaryView {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: layer.outputShape as Shape | Shape[],
    params: layer.countParams(),
    trainable: layer.trainable,
  }));
  const trainableParams = model.trainableWeights.reduce(
    (sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
    0,
  );
  return { name: model.name, layers, totalParams: model.countParams(), trainableParams };
}

export function modelSummaryText(view: ModelSummaryView): string {
  const rows = view.layers.map((l) => [`${l.name} (${l.className})`, formatShape(l.outputShape), String(l.params)]);
  const head = ['Layer (type)', 'Output shape', 'Param #'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    `Model: ${view.name}`,
    rule,
    line(head),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${view.totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${view.trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(view.totalParams - view.trainableParams).toLocaleString('en-US')}`,
  ].join('\n');
}

export function modelSummaryBundle(model: LayersModel): MimeBundle {
  const view = summarizeModel(model);
  return { [MIME.model]: view, [MIME.text]: modelSummaryText(view) };
}
