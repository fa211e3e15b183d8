// The JSON shape of `application/vnd.radnb.model+json` outputs (a tfjs LayersModel's layers, output shapes
// and parameter counts): made by src/display/modelSummary.ts in the kernel, drawn by the renderer.

export type Shape = (number | null)[];

export interface ModelSummaryLayer {
  name: string;
  className: string;
  /** One shape, or several for layers with several outputs. */
  outputShape: Shape | Shape[];
  params: number;
  trainable: boolean;
}

export interface ModelSummaryView {
  name: string;
  layers: ModelSummaryLayer[];
  totalParams: number;
  trainableParams: number;
}

export function formatShape(shape: Shape | Shape[]): string {
  const one = (s: Shape): string => `[${s.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
  return Array.isArray(shape[0]) ? (shape as Shape[]).map(one).join(' ') : one(shape as Shape);
}
