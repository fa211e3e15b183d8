// radnb's WebAssembly SIMD kernels (simdKernels.c: forward and gradient) bound to a tfjs wasm backend: the
// module imports the backend's own memory, so kernels read tensors and write outputs in place, on as many
// threads as XNNPACK uses. Used where they apply (float32, the layouts below); other kernels cover the rest.
import { backend_util, engine, getBackend } from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { plainModule, sharedModule } from './simdKernelsWasm';
import { MAX_CHUNKS, SimdThreadPool } from './threadPool';

/** Below this many multiply-adds (~100 µs) one thread is faster than waking another. */
const PARALLEL_WORK = 2_000_000;
/** The same for element-wise kernels (max pooling and its gradient, ReLU and its gradient, bias addition, Adam), in elements. */
const PARALLEL_ELEMENTS = 150_000;
/** Filter-gradient and batch-norm-sum chunks, each summed in its own buffer: enough for 8 threads to share the work. */
const FILTER_GRAD_CHUNKS = 8;
/** Tiles per block of the Winograd convolution and filter gradient (multiples of 4; a block's transforms stay in cache). */
const WINOGRAD_BLOCK = 16;
const WINOGRAD_GRAD_BLOCK = 32;
/** Fewest input or output channels for which the Winograd transforms pay for themselves. */
const WINOGRAD_MIN_CHANNELS = 8;
/** Most input channels the direct convolution takes (an image's first layer: 1 or 3). */
const DIRECT_MAX_CHANNELS = 4;
/** Elements per row of the element-wise kernels (ELEMENT_CHUNK in simdKernels.c). */
const ELEMENT_CHUNK = 4096;
/** What a kernel applies to its results (WITH_BIAS, WITH_RELU in simdKernels.c). */
const WITH_BIAS = 1;
const WITH_RELU = 2;

/** Adam's scalars for one step: c1 = 1 − β1^t and c2 = 1 − β2^t as tfjs computes them (float32). */
export interface AdamScalars {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

interface WasmBackendLike {
  wasm: {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    tfjs: { getThreadsCount(): number };
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** What a fused convolution layer does after the sums: add its bias (a [co] vector), then ReLU. */
export interface FusedOutput {
  bias?: TensorInfo;
  relu?: boolean;
}

export class SimdKernels {
  private constructor(
    private readonly backend: WasmBackendLike,
    private readonly memory: WebAssembly.Memory,
    private readonly pool: SimdThreadPool,
  ) {}

  /** The kernels on `backend`'s memory, or undefined when it is not a wasm backend whose memory can be imported. */
  static create(backend: KernelBackend): SimdKernels | undefined {
    const wasm = (backend as unknown as Partial<WasmBackendLike>).wasm;
    const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
    if (wasm === undefined || !(memory instanceof WebAssembly.Memory)) return undefined;
    const shared = memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(Buffer.from(shared ? sharedModule : plainModule, 'base64'));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Record<
      string,
      (...args: number[]) => void
    >;
    const threads = shared ? Math.max(1, wasm.tfjs.getThreadsCount()) : 1;
    return new SimdKernels(
      backend as unknown as WasmBackendLike,
      memory,
      new SimdThreadPool(module, memory, exports, threads),
    );
  }

  /** Starts timing every call by function (bench/cnn.ts --profile); returns the timings as they fill. */
  startTimings(): Map<string, { calls: number; ms: number }> {
    this.pool.timings = new Map();
    return this.pool.timings;
  }

  stopTimings(): void {
    this.pool.timings = undefined;
  }

  /** Threads a large call runs on (the caller included). */
  get threads(): number {
    return this.pool.threads;
  }

  /** Whether conv2dFilterGrad handles this gradient: float32 and a filter count divisible by 4. */
  static handlesFilterGrad(x: TensorInfo, dy: TensorInfo): boolean {
    return x.dtype === 'float32' && dy.dtype === 'float32' && dy.shape[3] % 4 === 0;
  }

  /** dW[kh, kw, ci, co] of a 2-D convolution (NHWC) from its input and output gradient. */
  conv2dFilterGrad(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } =
      info;
    const size = filterHeight * filterWidth * inChannels * outChannels;
    const dw = this.newOutput([filterHeight, filterWidth, inChannels, outChannels]);
    const rows = batchSize * outHeight;
    const work = rows * outWidth * filterHeight * filterWidth * inChannels * outChannels;
    // each chunk of rows adds into its own zeroed copy of dW, and the copies are summed in order: the same
    // numbers whichever thread took a chunk (seeded training stays reproducible) and for any thread count
    const chunks = Math.min(rows, FILTER_GRAD_CHUNKS);
    this.withScratch(Array<number>(chunks - 1).fill(size * 4), (partials) => {
      const outputs = [this.offsetOf(dw), ...partials];
      const heap = this.heapOf(dw);
      for (const at of outputs) heap.fill(0, at / 4, at / 4 + size);
      const geometry = [
        inHeight,
        inWidth,
        inChannels,
        outHeight,
        outWidth,
        outChannels,
        filterHeight,
        filterWidth,
        info.strideHeight,
        info.strideWidth,
        info.dilationHeight,
        info.dilationWidth,
        info.padInfo.top,
        info.padInfo.left,
      ];
      const job = {
        name: 'conv2d_filter_grad',
        args: [this.offsetOf(x), this.offsetOf(dy), 0, ...geometry],
        rows,
        chunks,
        perChunk: { index: 2, values: outputs },
      };
      this.pool.run(job, work >= PARALLEL_WORK);
      for (const partial of partials) this.pool.call('add_into', outputs[0], partial, size);
    });
    return dw;
  }

  /**
   * Whether the Winograd kernels handle this convolution (forward, or its filter gradient): 3×3 filters,
   * stride 1, no dilation, float32, and channel counts divisible by 4 and at least 8 (with fewer input
   * channels the transforms cost more than the multiplications they save).
   */
  static handlesWinograd(info: backend_util.Conv2DInfo, ...tensors: TensorInfo[]): boolean {
    return (
      info.filterHeight === 3 &&
      info.filterWidth === 3 &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.dilationHeight === 1 &&
      info.dilationWidth === 1 &&
      info.inChannels % 4 === 0 &&
      info.outChannels % 4 === 0 &&
      info.inChannels >= WINOGRAD_MIN_CHANNELS &&
      info.outChannels >= WINOGRAD_MIN_CHANNELS &&
      tensors.every((t) => t.dtype === 'float32')
    );
  }

  /**
   * A 2-D convolution (NHWC, filter [3, 3, ci, co]) by Winograd's F(m×m, 3×3) with m from winogradTileFor, with
   * the layer's bias and ReLU fused; see handlesWinograd.
   */
  winogradConv2d(
    x: TensorInfo,
    filter: TensorInfo,
    info: backend_util.Conv2DInfo,
    fused: FusedOutput = {},
  ): TensorInfo {
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
    const y = this.newOutput([batchSize, outHeight, outWidth, co]);
    const m = winogradTileFor(outHeight, outWidth);
    const positions = (m + 2) ** 2;
    const { tiles, blocks } = tilesOf(info, m, WINOGRAD_BLOCK, 1);
    if (tiles === 0) return y; // an empty batch
    const parallel = tiles * positions * ci * co >= PARALLEL_WORK;
    // chunks write disjoint outputs: one scratch buffer per chunk, and one chunk when a single thread runs it all
    const { chunks } = tilesOf(info, m, WINOGRAD_BLOCK, parallel ? this.threads * 4 : 1);
    this.withScratch(
      [
        positions * filterPlane(ci, co) * 4,
        ...Array<number>(chunks).fill(winogradScratch(m, WINOGRAD_BLOCK, ci, co) * 4),
      ],
      ([u, ...scratches]) => {
        this.pool.call('winograd_filter_transform', this.offsetOf(filter), u, ci, co, m);
        const args = [
          this.offsetOf(x),
          u,
          ...this.fusedArgs(fused),
          this.offsetOf(y),
          0,
          inHeight,
          inWidth,
          ci,
          outHeight,
          outWidth,
          co,
          info.padInfo.top,
          info.padInfo.left,
          tiles,
          WINOGRAD_BLOCK,
          m,
        ];
        this.pool.run(
          { name: 'winograd_conv2d', args, rows: blocks, chunks, perChunk: { index: 5, values: scratches } },
          parallel,
        );
      },
    );
    return y;
  }

  /**
   * Whether the direct convolution handles this one: at most 4 input channels (an image's first layer), a
   * multiple of 4 output channels, no dilation, float32. Any window, strides and padding.
   */
  static handlesDirect(info: backend_util.Conv2DInfo, ...tensors: TensorInfo[]): boolean {
    return (
      info.inChannels <= DIRECT_MAX_CHANNELS &&
      info.outChannels % 4 === 0 &&
      info.dilationHeight === 1 &&
      info.dilationWidth === 1 &&
      tensors.every((t) => t.dtype === 'float32')
    );
  }

  /** A 2-D convolution (NHWC, filter [kh, kw, ci, co]) computed directly, with the layer's bias and ReLU fused; see handlesDirect. */
  directConv2d(x: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo, fused: FusedOutput = {}): TensorInfo {
    const {
      batchSize,
      inHeight,
      inWidth,
      inChannels: ci,
      outHeight,
      outWidth,
      outChannels: co,
      filterHeight,
      filterWidth,
    } = info;
    const y = this.newOutput([batchSize, outHeight, outWidth, co]);
    const args = [
      this.offsetOf(x),
      this.offsetOf(filter),
      ...this.fusedArgs(fused),
      this.offsetOf(y),
      inHeight,
      inWidth,
      ci,
      outHeight,
      outWidth,
      co,
      filterHeight,
      filterWidth,
      info.strideHeight,
      info.strideWidth,
      info.padInfo.top,
      info.padInfo.left,
    ];
    this.pool.run(
      { name: 'direct_conv2d', args, rows: batchSize * outHeight },
      sizeOf(y.shape) * filterHeight * filterWidth * ci >= PARALLEL_WORK,
    );
    return y;
  }

  /** Whether maxPool handles this pooling: windows side by side inside the image (strides = window, no padding), channels a multiple of 4, float32. */
  static handlesMaxPool(info: backend_util.Conv2DInfo, x: TensorInfo): boolean {
    const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth } = info;
    return (
      filterHeight === strideHeight &&
      filterWidth === strideWidth &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      outHeight * strideHeight <= inHeight &&
      outWidth * strideWidth <= inWidth &&
      info.inChannels % 4 === 0 &&
      x.dtype === 'float32'
    );
  }

  /** A 2-D max pooling (NHWC) of windows side by side; see handlesMaxPool. */
  maxPool(x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
    const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth, filterHeight, filterWidth } = info;
    const y = this.newOutput([batchSize, outHeight, outWidth, ch]);
    const args = [
      this.offsetOf(x),
      this.offsetOf(y),
      inHeight,
      inWidth,
      outHeight,
      outWidth,
      ch,
      filterHeight,
      filterWidth,
    ];
    this.pool.run({ name: 'max_pool', args, rows: batchSize * outHeight }, sizeOf(x.shape) >= PARALLEL_ELEMENTS);
    return y;
  }

  /** dW[3, 3, ci, co] of a convolution the Winograd kernels handle (see handlesWinograd), from its input and output gradient. */
  winogradFilterGrad(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
    const { inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
    const dw = this.newOutput([3, 3, ci, co]);
    const m = winogradTileFor(outHeight, outWidth);
    // each chunk sums into its own Winograd-domain dU, and the sums are added in order (see conv2dFilterGrad)
    const { tiles, blocks, chunks } = tilesOf(info, m, WINOGRAD_GRAD_BLOCK, FILTER_GRAD_CHUNKS);
    const sums = (m + 2) ** 2 * filterPlane(ci, co);
    this.withScratch(
      Array<number>(chunks).fill((sums + winogradScratch(m, WINOGRAD_GRAD_BLOCK, ci, co)) * 4),
      (scratches) => {
        const heap = this.heapOf(dw);
        if (tiles === 0) {
          // an empty batch: no gradient
          heap.fill(0, this.offsetOf(dw) / 4, this.offsetOf(dw) / 4 + 9 * ci * co);
          return;
        }
        for (const at of scratches) heap.fill(0, at / 4, at / 4 + sums);
        const args = [
          this.offsetOf(x),
          this.offsetOf(dy),
          0,
          inHeight,
          inWidth,
          ci,
          outHeight,
          outWidth,
          co,
          info.padInfo.top,
          info.padInfo.left,
          tiles,
          WINOGRAD_GRAD_BLOCK,
          m,
        ];
        this.pool.run(
          { name: 'winograd_filter_grad', args, rows: blocks, chunks, perChunk: { index: 2, values: scratches } },
          sums * tiles >= PARALLEL_WORK,
        );
        for (const partial of scratches.slice(1)) this.pool.call('add_into', scratches[0], partial, sums);
        this.pool.call('winograd_filter_grad_finish', scratches[0], this.offsetOf(dw), ci, co, m);
      },
    );
    return dw;
  }

  /** Whether matMul handles this product: float32 and no batch (dense layers). */
  static handlesMatMul(a: TensorInfo, b: TensorInfo): boolean {
    const unbatched = (t: TensorInfo) => t.shape.slice(0, -2).every((d) => d === 1);
    return a.dtype === 'float32' && b.dtype === 'float32' && unbatched(a) && unbatched(b) && a.shape.length >= 2;
  }

  /**
   * C = A·B, where `a` holds A or (transposeA) Aᵀ and `b` holds B as [K, N] row-major. Output [M, N] with
   * the inputs' leading 1s.
   */
  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, leadingOnes: number): TensorInfo {
    const [rowsA, columnsA] = a.shape.slice(-2);
    const [M, K] = transposeA ? [columnsA, rowsA] : [rowsA, columnsA];
    const N = b.shape[b.shape.length - 1];
    const c = this.newOutput([...Array<number>(leadingOnes).fill(1), M, N]);
    if (K === 0) {
      // an empty sum
      this.backend.typedArrayFromHeap(c).fill(0);
      return c;
    }
    const [am, ak] = transposeA ? [1, M] : [K, 1];
    const job = {
      name: 'matmul',
      args: [this.offsetOf(a), am, ak, this.offsetOf(b), this.offsetOf(c), M, N, K],
      rows: Math.ceil(N / 8),
    };
    this.pool.run(job, M * N * K >= PARALLEL_WORK);
    return c;
  }

  /** dx of a 2-D max pooling (NHWC): each window's gradient at its first maximum. */
  maxPoolGrad(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
    const {
      batchSize,
      inHeight,
      inWidth,
      inChannels: ch,
      outHeight,
      outWidth,
      filterHeight,
      filterWidth,
      strideHeight,
      strideWidth,
    } = info;
    const dx = this.newOutput(x.shape);
    const parallel = sizeOf(x.shape) >= PARALLEL_ELEMENTS;
    // windows side by side and inside the image ('same' padding can put the last ones partly outside)
    const sideBySide =
      filterHeight === strideHeight &&
      filterWidth === strideWidth &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      outHeight * strideHeight <= inHeight &&
      outWidth * strideWidth <= inWidth &&
      ch % 4 === 0;
    const covered = outHeight * strideHeight === inHeight && outWidth * strideWidth === inWidth;
    // the kernels write only inside windows (side by side) or add into dx (overlapping): zero the rest first
    if (!sideBySide || !covered) this.backend.typedArrayFromHeap(dx).fill(0);
    const [input, gradient, output] = [this.offsetOf(x), this.offsetOf(dy), this.offsetOf(dx)];
    if (sideBySide) {
      this.pool.run(
        {
          name: 'max_pool_grad_tiling',
          args: [input, gradient, output, inHeight, inWidth, outHeight, outWidth, ch, filterHeight, filterWidth],
          rows: batchSize * outHeight,
        },
        parallel,
      );
    } else {
      // overlapping windows add into shared elements: split by image only
      this.pool.run(
        {
          name: 'max_pool_grad',
          args: [
            input,
            gradient,
            output,
            inHeight,
            inWidth,
            ch,
            outHeight,
            outWidth,
            filterHeight,
            filterWidth,
            strideHeight,
            strideWidth,
            info.padInfo.top,
            info.padInfo.left,
          ],
          rows: batchSize,
        },
        parallel,
      );
    }
    return dx;
  }

  /**
   * One Adam step of a float32 variable (see adam_step in simdKernels.c): returns [value, m, v] after it.
   * `scalars` are the float32 numbers tfjs' AdamOptimizer uses.
   */
  adamStep(value: TensorInfo, m: TensorInfo, v: TensorInfo, gradient: TensorInfo, scalars: AdamScalars): TensorInfo[] {
    const outs = [0, 1, 2].map(() => this.newOutput(value.shape));
    const n = sizeOf(value.shape);
    const bits = new Int32Array(
      new Float32Array([
        scalars.beta1,
        1 - scalars.beta1,
        scalars.beta2,
        1 - scalars.beta2,
        scalars.c1,
        scalars.c2,
        scalars.epsilon,
        -scalars.learningRate,
      ]).buffer,
    );
    const args = [value, m, v, gradient, ...outs].map((t) => this.offsetOf(t));
    this.elementwise('adam_step', [...args, n, ...bits], n);
    return outs;
  }

  /** The ReLU gradient dy · step(x) (see relu_grad in simdKernels.c). */
  reluGrad(dy: TensorInfo, x: TensorInfo): TensorInfo {
    const dx = this.newOutput(x.shape);
    const n = sizeOf(x.shape);
    this.elementwise('relu_grad', [this.offsetOf(dy), this.offsetOf(x), this.offsetOf(dx), n], n);
    return dx;
  }

  /** max(0, x) as tfjs computes it (see reluOf in simdKernels.c). */
  relu(x: TensorInfo): TensorInfo {
    const y = this.newOutput(x.shape);
    const n = sizeOf(x.shape);
    this.elementwise('relu', [this.offsetOf(x), this.offsetOf(y), n], n);
    return y;
  }

  /** x + bias, with `bias` a vector as long as x's last axis. */
  addBias(x: TensorInfo, bias: TensorInfo): TensorInfo {
    const out = this.newOutput(x.shape);
    const n = sizeOf(x.shape);
    const ch = x.shape[x.shape.length - 1];
    this.pool.run(
      { name: 'add_bias', args: [this.offsetOf(x), this.offsetOf(bias), this.offsetOf(out), ch], rows: n / ch },
      n >= PARALLEL_ELEMENTS,
    );
    return out;
  }

  /**
   * (x − mean) · a + offset per channel of x's last axis (see channel_affine in simdKernels.c), then ReLU when
   * `relu`: batch normalisation with a = scale / √(variance + ε), or its input gradient with mean and offset 0.
   */
  channelAffine(x: TensorInfo, mean: Float32Array, a: Float32Array, offset: Float32Array, relu = false): TensorInfo {
    const out = this.newOutput(x.shape);
    const n = sizeOf(x.shape);
    const ch = x.shape[x.shape.length - 1];
    if (n === 0) return out;
    this.withVectors([mean, a, offset], ([meanAt, aAt, offsetAt]) => {
      const args = [this.offsetOf(x), meanAt, aAt, offsetAt, this.offsetOf(out), ch, relu ? WITH_RELU : 0];
      this.pool.run({ name: 'channel_affine', args, rows: n / ch }, n >= PARALLEL_ELEMENTS);
    });
    return out;
  }

  /**
   * Per channel of the last axis, Σ dy and Σ dy · (x − mean) over all other axes (see batch_norm_sums in
   * simdKernels.c), as [Σ dy…, Σ dy · (x − mean)…]; `relu`: the output of a ReLU after the normalisation, whose
   * gradient then applies to dy first.
   */
  batchNormSums(dy: TensorInfo, x: TensorInfo, mean: Float32Array, relu?: TensorInfo): Float32Array {
    const ch = x.shape[x.shape.length - 1];
    return this.withVectors([mean], ([meanAt]) =>
      this.sumOverRows(
        'batch_norm_sums',
        [this.offsetOf(dy), relu === undefined ? 0 : this.offsetOf(relu), this.offsetOf(x), meanAt, 0, ch],
        4,
        x,
        2 * ch,
      ),
    );
  }

  /**
   * A training batch normalisation's input gradient a·dy + k·(x − mean) + b per channel (see batch_norm_input_grad
   * in simdKernels.c); `relu` as in batchNormSums.
   */
  batchNormInputGrad(
    dy: TensorInfo,
    x: TensorInfo,
    mean: Float32Array,
    coefficients: { a: Float32Array; k: Float32Array; b: Float32Array },
    relu?: TensorInfo,
  ): TensorInfo {
    const dx = this.newOutput(x.shape);
    const n = sizeOf(x.shape);
    const ch = x.shape[x.shape.length - 1];
    if (n === 0) return dx;
    const { a, k, b } = coefficients;
    this.withVectors([mean, Float32Array.of(...a, ...k, ...b)], ([meanAt, coefficientsAt]) => {
      const args = [
        this.offsetOf(dy),
        relu === undefined ? 0 : this.offsetOf(relu),
        this.offsetOf(x),
        meanAt,
        coefficientsAt,
        this.offsetOf(dx),
        ch,
      ];
      this.pool.run({ name: 'batch_norm_input_grad', args, rows: n / ch }, n >= PARALLEL_ELEMENTS);
    });
    return dx;
  }

  /** Per channel of the last axis, Σ x over all other axes, or with `mean` Σ (x − mean)² (see channel_sums in simdKernels.c). */
  channelSums(x: TensorInfo, mean?: Float32Array): Float32Array {
    const ch = x.shape[x.shape.length - 1];
    if (mean === undefined) return this.sumOverRows('channel_sums', [this.offsetOf(x), 0, 0, ch], 2, x, ch);
    return this.withVectors([mean], ([meanAt]) =>
      this.sumOverRows('channel_sums', [this.offsetOf(x), meanAt, 0, ch], 2, x, ch),
    );
  }

  /** The mean of each image's channels over its positions: [b, h, w, c] → [b, c]. */
  globalAveragePool(x: TensorInfo): TensorInfo {
    const [batch, h, w, ch] = x.shape;
    const out = this.newOutput([batch, ch]);
    this.pool.run(
      { name: 'global_average_pool', args: [this.offsetOf(x), this.offsetOf(out), h * w, ch], rows: batch },
      sizeOf(x.shape) >= PARALLEL_ELEMENTS,
    );
    return out;
  }

  /** The gradient of globalAveragePool for an input of `shape` from dy [b, c]. */
  globalAveragePoolGrad(dy: TensorInfo, shape: number[]): TensorInfo {
    const [batch, h, w, ch] = shape;
    const dx = this.newOutput(shape);
    this.pool.run(
      { name: 'global_average_pool_grad', args: [this.offsetOf(dy), this.offsetOf(dx), h * w, ch], rows: batch },
      sizeOf(shape) >= PARALLEL_ELEMENTS,
    );
    return dx;
  }

  /** a + b, element by element (same shapes). */
  addElements(a: TensorInfo, b: TensorInfo): TensorInfo {
    const out = this.newOutput(a.shape);
    const n = sizeOf(a.shape);
    this.elementwise('add_elements', [this.offsetOf(a), this.offsetOf(b), this.offsetOf(out), n], n);
    return out;
  }

  /** The tensors joined along their last axis (equal leading axes). */
  concatChannels(inputs: TensorInfo[]): TensorInfo {
    const widths = inputs.map((t) => t.shape[t.shape.length - 1]);
    const total = widths.reduce((a, b) => a + b, 0);
    const out = this.newOutput([...inputs[0].shape.slice(0, -1), total]);
    let first = 0;
    inputs.forEach((t, i) => {
      this.copyChannels(t, 0, out, first, widths[i]);
      first += widths[i];
    });
    return out;
  }

  /** Channels [first, first + width) of x's last axis. */
  sliceChannels(x: TensorInfo, first: number, width: number): TensorInfo {
    const out = this.newOutput([...x.shape.slice(0, -1), width]);
    this.copyChannels(x, first, out, 0, width);
    return out;
  }

  private copyChannels(src: TensorInfo, srcFirst: number, dst: TensorInfo, dstFirst: number, width: number): void {
    const srcCh = src.shape[src.shape.length - 1];
    const dstCh = dst.shape[dst.shape.length - 1];
    const rows = sizeOf(src.shape) / srcCh;
    const args = [this.offsetOf(src), srcCh, srcFirst, this.offsetOf(dst), dstCh, dstFirst, width];
    this.pool.run({ name: 'copy_channels', args, rows }, rows * width >= PARALLEL_ELEMENTS);
  }

  /**
   * Runs a kernel that sums over the rows of x (all axes but the last) into `width` floats: each chunk of rows
   * sums into its own zeroed buffer (argument `slot`) and the buffers are added in order, so that the numbers
   * do not depend on which thread took a chunk.
   */
  private sumOverRows(name: string, args: number[], slot: number, x: TensorInfo, width: number): Float32Array {
    const n = sizeOf(x.shape);
    const rows = n / x.shape[x.shape.length - 1];
    const sums = new Float32Array(width);
    if (n === 0) return sums;
    const chunks = Math.min(rows, FILTER_GRAD_CHUNKS);
    this.withScratch(Array<number>(chunks).fill(width * 4), (partials) => {
      let heap = this.heapOf(x);
      for (const at of partials) heap.fill(0, at / 4, at / 4 + width);
      this.pool.run({ name, args, rows, chunks, perChunk: { index: slot, values: partials } }, n >= PARALLEL_ELEMENTS);
      heap = this.heapOf(x);
      for (const at of partials) for (let i = 0; i < width; i++) sums[i] += heap[at / 4 + i];
    });
    return sums;
  }

  /** Runs `use` with copies of `vectors` in the backend's memory (their addresses). */
  private withVectors<T>(vectors: Float32Array[], use: (pointers: number[]) => T): T {
    return this.withScratch(
      vectors.map((v) => Math.max(1, v.length) * 4),
      (pointers) => {
        const heap = new Float32Array(this.memory.buffer);
        vectors.forEach((v, i) => heap.set(v, pointers[i] / 4));
        return use(pointers);
      },
    );
  }

  /** A small float32 tensor's values (a copy), read from the backend's memory. */
  readFloats(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t).slice();
  }

  /** A new float32 vector holding `values`. */
  vectorOutput(values: Float32Array): TensorInfo {
    const out = this.newOutput([values.length]);
    this.backend.typedArrayFromHeap(out).set(values);
    return out;
  }

  /** Runs an element-wise kernel over n elements, in rows of ELEMENT_CHUNK, on every thread when there are enough. */
  private elementwise(name: string, args: number[], n: number): void {
    this.pool.run({ name, args, rows: Math.ceil(n / ELEMENT_CHUNK) }, n >= PARALLEL_ELEMENTS);
  }

  /**
   * Runs `use` with scratch buffers of the given sizes (bytes) from the backend's heap, as unsigned addresses
   * (the threaded heap may pass 2 GiB, where _malloc's signed result turns negative), and frees them after,
   * whatever happens. A cell terminated by Stop skips the freeing: an abandoned job's buffers stay allocated,
   * so its chunks still running on workers write nothing that tfjs has handed out again.
   */
  private withScratch<T>(bytes: number[], use: (pointers: number[]) => T): T {
    const pointers: number[] = [];
    try {
      for (const size of bytes) {
        const at = this.backend.wasm._malloc(size) >>> 0;
        if (at === 0) throw new Error(`radnb SIMD kernels: no memory left for ${size} bytes of scratch`);
        pointers.push(at);
      }
      return use(pointers);
    } finally {
      for (const at of pointers) this.backend.wasm._free(at);
    }
  }

  /** The whole heap as floats, through `t`'s memory (take it after allocating: growing memory detaches older views). */
  private heapOf(t: TensorInfo): Float32Array {
    return new Float32Array(this.backend.typedArrayFromHeap(t).buffer);
  }

  /** A float32 output, allocated only once no chunk of an abandoned job can write into freed memory. */
  private newOutput(shape: number[]): TensorInfo {
    this.pool.settleAbandonedJob();
    return this.backend.makeOutput(shape, 'float32');
  }

  /** The bias pointer and flags of a fused convolution. */
  private fusedArgs({ bias, relu }: FusedOutput): [number, number] {
    return [
      bias === undefined ? 0 : this.offsetOf(bias),
      (bias === undefined ? 0 : WITH_BIAS) | (relu ? WITH_RELU : 0),
    ];
  }

  private offsetOf(t: TensorInfo): number {
    return this.backend.dataIdMap.get(t.dataId).memoryOffset;
  }
}

const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Output tile sizes of the Winograd kernels: F(2×2, 3×3) and F(4×4, 3×3). */
export type WinogradTile = 2 | 4;

/**
 * The tile size with fewer multiplications for an output of this size: (m + 2)² per m×m tile, counting the
 * tiles' parts past the image's edge — 4×4 tiles (2.25 per output instead of 4) unless the image is so small
 * that their padding outweighs that (e.g. 5×5 or 2×2 outputs).
 */
export function winogradTileFor(outHeight: number, outWidth: number): WinogradTile {
  const multiplications = (m: WinogradTile) => Math.ceil(outHeight / m) * Math.ceil(outWidth / m) * (m + 2) ** 2;
  return multiplications(4) < multiplications(2) ? 4 : 2;
}

/** Floats of one plane of a transformed filter or its gradient: ci × co, padded by 16 (see filterPlane() in simdKernels.c). */
const filterPlane = (ci: number, co: number): number => ci * co + 16;

/** Floats of a Winograd kernel's transformed tiles: (m + 2)² planes of `block` tiles of ci, and of co, channels, each padded by 16 (see plane() in simdKernels.c). */
const winogradScratch = (m: WinogradTile, block: number, ci: number, co: number): number =>
  (m + 2) ** 2 * (block * ci + 16 + block * co + 16);

/**
 * The m×m output tiles of a convolution, the blocks of `block` tiles the Winograd kernels take at a time,
 * and how many chunks of blocks to run (at most `maxChunks`; the count the thread pool will cut).
 */
function tilesOf(
  info: backend_util.Conv2DInfo,
  m: WinogradTile,
  block: number,
  maxChunks: number,
): { tiles: number; blocks: number; chunks: number } {
  const tiles = info.batchSize * Math.ceil(info.outHeight / m) * Math.ceil(info.outWidth / m);
  const blocks = Math.ceil(tiles / block);
  const perChunk = Math.ceil(blocks / Math.max(1, Math.min(blocks, maxChunks, MAX_CHUNKS)));
  return { tiles, blocks, chunks: blocks === 0 ? 0 : Math.ceil(blocks / perChunk) };
}

/** Each backend's kernels, or why it cannot have them. */
const bound = new WeakMap<KernelBackend, SimdKernels | string>();

function bind(backend: KernelBackend): SimdKernels | string {
  let entry = bound.get(backend);
  if (entry === undefined) {
    try {
      entry = SimdKernels.create(backend) ?? "the backend's memory cannot be imported";
    } catch (err) {
      entry = `they did not start: ${err instanceof Error ? err.message : String(err)}`;
    }
    bound.set(backend, entry);
  }
  return entry;
}

/** The SIMD kernels of a wasm backend, created on first use; undefined where they cannot run (the composed kernels do). */
export function simdKernelsOf(backend: KernelBackend): SimdKernels | undefined {
  const entry = bind(backend);
  return typeof entry === 'string' ? undefined : entry;
}

/**
 * Whether the active tfjs backend is a wasm backend with the SIMD kernels: the fused training paths (Adam,
 * the ReLU gradient, conv + bias) check it on every call, as a cell may switch backends at any time.
 */
export function simdKernelsActive(): boolean {
  return getBackend() === 'wasm' && simdKernelsOf(engine().backend) !== undefined;
}

/** Why `backend` runs without the SIMD kernels, or undefined when it has them. */
export function simdKernelsUnavailable(backend: KernelBackend): string | undefined {
  const entry = bind(backend);
  return typeof entry === 'string' ? entry : undefined;
}
