// The binary output item of the feature-map view (application/vnd.radnb.featuremaps): every conv layer's
// activations for one input, each channel normalised to 8 bits (its own min/max kept in the header, so
// values can still be read back), plus the first layer's filters as small images. Container layout:
// binaryContainer.ts. Shared by the Node encoder and the browser renderer; no Node or DOM API.
import {
  type Compress,
  ContainerError,
  type Decompress,
  encodeContainer,
  readContainerHeader,
  readSection,
  type SectionRef,
} from './binaryContainer';

/** Activations of one layer for one input, channels last (as tfjs returns them): height × width × channels. */
export interface FeatureMapLayer {
  name: string;
  className?: string;
  height: number;
  width: number;
  channels: number;
  values: Float32Array;
}

/** Kernel of the first conv layer in tfjs order: kernelHeight × kernelWidth × inChannels × outChannels. */
export interface ConvFilters {
  layer: string;
  kernelHeight: number;
  kernelWidth: number;
  inChannels: number;
  outChannels: number;
  values: Float32Array;
}

export interface FeatureMapsInput {
  title?: string;
  layers: FeatureMapLayer[];
  filters?: ConvFilters;
}

export interface FeatureMapsLayerHeader extends Omit<FeatureMapLayer, 'values'> {
  /** [min, max] of each channel before normalisation. */
  ranges: [number, number][];
  /** uint8, channel after channel, each height × width. */
  section: SectionRef;
}

export interface FeatureMapsHeader {
  format: 'radnb.featuremaps';
  title?: string;
  layers: FeatureMapsLayerHeader[];
  /** Filters as images: uint8, filter after filter, each kernelHeight × kernelWidth × displayChannels. */
  filters?: Omit<ConvFilters, 'values'> & { displayChannels: 1 | 3; section: SectionRef };
}

const WHAT = 'feature maps output';

/** Rescales every channel to 0..255 on its own range; channels come out one after another. */
function normaliseChannels(layer: FeatureMapLayer): { bytes: Uint8Array; ranges: [number, number][] } {
  const { height, width, channels, values } = layer;
  const size = height * width;
  if (values.length !== size * channels) {
    throw new ContainerError(
      WHAT,
      `layer "${layer.name}" has ${values.length} values, expected ${height}×${width}×${channels}`,
    );
  }
  const bytes = new Uint8Array(values.length);
  const ranges: [number, number][] = [];
  for (let c = 0; c < channels; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < size; i++) {
      const v = values[i * channels + c];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const scale = max > min ? 255 / (max - min) : 0;
    for (let i = 0; i < size; i++) bytes[c * size + i] = Math.round((values[i * channels + c] - min) * scale);
    ranges.push([min, max]);
  }
  return { bytes, ranges };
}

/** One small image per output filter: RGB when the input has 3 channels, else the mean over inputs. */
function filterImages(filters: ConvFilters): { bytes: Uint8Array; displayChannels: 1 | 3 } {
  const { kernelHeight: kh, kernelWidth: kw, inChannels: inC, outChannels: outC, values } = filters;
  if (values.length !== kh * kw * inC * outC) {
    throw new ContainerError(
      WHAT,
      `filters of "${filters.layer}" have ${values.length} values, expected ${kh}×${kw}×${inC}×${outC}`,
    );
  }
  const displayChannels = inC === 3 ? 3 : 1;
  const perFilter = kh * kw * displayChannels;
  const bytes = new Uint8Array(perFilter * outC);
  const image = new Float32Array(perFilter);
  for (let o = 0; o < outC; o++) {
    for (let p = 0; p < kh * kw; p++) {
      for (let d = 0; d < displayChannels; d++) {
        let sum = 0;
        const inputs = displayChannels === 3 ? [d] : Array.from({ length: inC }, (_, i) => i);
        for (const i of inputs) sum += values[(p * inC + i) * outC + o];
        image[p * displayChannels + d] = sum / inputs.length;
      }
    }
    let min = Infinity;
    let max = -Infinity;
    for (const v of image) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = max > min ? 255 / (max - min) : 0;
    for (let i = 0; i < perFilter; i++) bytes[o * perFilter + i] = Math.round((image[i] - min) * scale);
  }
  return { bytes, displayChannels };
}

export function encodeFeatureMapsPayload(input: FeatureMapsInput, compress?: Compress): Uint8Array {
  if (input.layers.length === 0) throw new ContainerError(WHAT, 'no layers to show');
  const layers = input.layers.map((layer) => ({ layer, ...normaliseChannels(layer) }));
  const filters = input.filters ? { filters: input.filters, ...filterImages(input.filters) } : undefined;
  return encodeContainer<FeatureMapsHeader>(
    [
      ...layers.map((l) => ({ samples: l.bytes, width: l.layer.width, stride: 1 })),
      ...(filters
        ? [{ samples: filters.bytes, width: filters.filters.kernelWidth, stride: filters.displayChannels }]
        : []),
    ],
    (refs) => ({
      format: 'radnb.featuremaps',
      title: input.title,
      layers: layers.map(({ layer: { values: _values, ...meta }, ranges }, i) => ({
        ...meta,
        ranges,
        section: refs[i],
      })),
      filters: filters && {
        ...(({ values: _values, ...meta }) => meta)(filters.filters),
        displayChannels: filters.displayChannels,
        section: refs[layers.length],
      },
    }),
    compress,
  );
}

export interface DecodedFeatureMaps {
  header: FeatureMapsHeader;
  layers: Uint8Array[];
  filters?: Uint8Array;
}

export async function decodeFeatureMapsPayload(
  bytes: Uint8Array,
  decompress?: Decompress,
): Promise<DecodedFeatureMaps> {
  const header = readContainerHeader<FeatureMapsHeader>(bytes, WHAT);
  if (header.format !== 'radnb.featuremaps')
    throw new ContainerError(WHAT, `unexpected format ${String(header.format)}`);
  const asBytes = async (ref: SectionRef): Promise<Uint8Array> => {
    const data = await readSection(bytes, ref, WHAT, decompress);
    if (!(data instanceof Uint8Array)) throw new ContainerError(WHAT, `expected uint8 section, got ${ref.type}`);
    return data;
  };
  return {
    header,
    layers: await Promise.all(header.layers.map((l) => asBytes(l.section))),
    filters: header.filters ? await asBytes(header.filters.section) : undefined,
  };
}
