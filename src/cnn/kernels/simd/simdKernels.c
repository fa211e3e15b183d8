// Forward and gradient kernels in WebAssembly SIMD that work directly on the tfjs wasm backend's memory (this
// module imports it): matrix products (dense layers), 3×3 convolutions and their filter gradients by Winograd's
// F(4×4, 3×3) and F(2×2, 3×3), a direct convolution for layers with few input channels, the convolution filter
// gradient as a matrix product over each filter tap (other shapes), max pooling and its gradient, ReLU and its
// gradient, batch normalisation and its gradient, bias addition and Adam's update.
// Each function does the part of the work in [row0, row1) — rows are (image, output row) pairs, images,
// blocks of tiles or of elements — so that several threads sharing the memory can split a call.
// Freestanding: no libc, no data segment and no stack use (no local's address escapes and small local
// arrays are unrolled into registers; test/cnn/kernels/simd/simdKernels.test.ts checks that every kernel leaves
// the memory outside its buffers untouched), so this module never writes memory it was not given.
// Build: node scripts/buildSimdKernels.mjs (clang-14 + wasm-ld from Debian).
#include <wasm_simd128.h>

#define MADD(acc, a, b) (acc) = wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))

// Geometry of a 2-D convolution in NHWC with a [kh, kw, ci, co] filter.
typedef struct {
  int inH, inW, ci, outH, outW, co, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft;
} Conv;

// C[m][n0..n0+width) += Σ_k A(m, k) · B[k][n0..] (or, not `accumulate`, C = the sum): up to four rows of A, whose
// element (m, k) is at a + m·am + k·ak (any layout: a transposed A is only other strides), times up to 8 (`width`)
// contiguous columns of B.
static inline void gemmBlock(const float* a, int am, int ak, const float* b, int ldb, int count, float* c, int ldc, int rows, int width,
                             int accumulate) {
  if (rows == 4 && width == 8) {
    const v128_t zero = wasm_f32x4_splat(0.0f);
    v128_t c00 = accumulate ? wasm_v128_load(c) : zero, c01 = accumulate ? wasm_v128_load(c + 4) : zero;
    v128_t c10 = accumulate ? wasm_v128_load(c + ldc) : zero, c11 = accumulate ? wasm_v128_load(c + ldc + 4) : zero;
    v128_t c20 = accumulate ? wasm_v128_load(c + 2 * ldc) : zero, c21 = accumulate ? wasm_v128_load(c + 2 * ldc + 4) : zero;
    v128_t c30 = accumulate ? wasm_v128_load(c + 3 * ldc) : zero, c31 = accumulate ? wasm_v128_load(c + 3 * ldc + 4) : zero;
    for (int k = 0; k < count; k++, a += ak, b += ldb) {
      const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
      const v128_t a0 = wasm_v128_load32_splat(a), a1 = wasm_v128_load32_splat(a + am);
      const v128_t a2 = wasm_v128_load32_splat(a + 2 * am), a3 = wasm_v128_load32_splat(a + 3 * am);
      MADD(c00, a0, b0); MADD(c01, a0, b1);
      MADD(c10, a1, b0); MADD(c11, a1, b1);
      MADD(c20, a2, b0); MADD(c21, a2, b1);
      MADD(c30, a3, b0); MADD(c31, a3, b1);
    }
    wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
    wasm_v128_store(c + ldc, c10); wasm_v128_store(c + ldc + 4, c11);
    wasm_v128_store(c + 2 * ldc, c20); wasm_v128_store(c + 2 * ldc + 4, c21);
    wasm_v128_store(c + 3 * ldc, c30); wasm_v128_store(c + 3 * ldc + 4, c31);
    return;
  }
  for (int m = 0; m < rows; m++) {
    int n = 0;
    for (; n + 4 <= width; n += 4) {
      v128_t acc = accumulate ? wasm_v128_load(c + m * ldc + n) : wasm_f32x4_splat(0.0f);
      const float* ap = a + m * am;
      const float* bp = b + n;
      for (int k = 0; k < count; k++, ap += ak, bp += ldb) MADD(acc, wasm_v128_load32_splat(ap), wasm_v128_load(bp));
      wasm_v128_store(c + m * ldc + n, acc);
    }
    for (; n < width; n++) { // columns past the last 4 (products with a column count not divisible by 4)
      float acc = accumulate ? c[m * ldc + n] : 0.0f;
      const float* ap = a + m * am;
      const float* bp = b + n;
      for (int k = 0; k < count; k++, ap += ak, bp += ldb) acc += *ap * *bp;
      c[m * ldc + n] = acc;
    }
  }
}

// dw[i][j] += x(row, tap i,j)ᵀ · dy(row) over the output positions of one output row whose tap is inside the image.
static void filterGradRow(const Conv* g, const float* x, const float* dy, float* dw, int b, int oh) {
  const int ci = g->ci, co = g->co;
  const float* dyRow = dy + ((b * g->outH + oh) * g->outW) * co;
  for (int i = 0; i < g->kh; i++) {
    const int ih = oh * g->strideH - g->padTop + i * g->dilationH;
    if (ih < 0 || ih >= g->inH) continue;
    const float* xRow = x + ((b * g->inH + ih) * g->inW) * ci;
    for (int j = 0; j < g->kw; j++) {
      // output columns ow whose input column ow·stride + offset lies in [0, inW)
      const int offset = j * g->dilationW - g->padLeft;
      const int first = offset < 0 ? (-offset + g->strideW - 1) / g->strideW : 0;
      const int lastIn = g->inW - 1 - offset;
      const int end = lastIn < 0 ? 0 : (lastIn / g->strideW + 1 < g->outW ? lastIn / g->strideW + 1 : g->outW);
      if (first >= end) continue;
      const int count = end - first;
      const float* x0 = xRow + (first * g->strideW + offset) * ci;
      const float* dy0 = dyRow + first * co;
      const int xStep = g->strideW * ci;
      float* dwTap = dw + (i * g->kw + j) * ci * co;
      // a matrix product: A(c, p) = x at tap position p, channel c; B = dy
      for (int c = 0; c < ci; c += 4) {
        for (int n = 0; n < co; n += 8) {
          gemmBlock(x0 + c, 1, xStep, dy0 + n, co, count, dwTap + c * co + n, co, ci - c < 4 ? ci - c : 4, co - n < 8 ? co - n : 8, 1);
        }
      }
    }
  }
}

// Adds the filter gradient of output rows [row0, row1) (row = image · outH + output row) into dw, which
// the caller zeroed. Requires co % 4 == 0.
__attribute__((export_name("conv2d_filter_grad")))
void conv2dFilterGrad(const float* x, const float* dy, float* dw, int inH, int inW, int ci, int outH, int outW, int co,
                      int kh, int kw, int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft,
                      int row0, int row1) {
  const Conv g = {inH, inW, ci, outH, outW, co, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft};
  for (int r = row0; r < row1; r++) filterGradRow(&g, x, dy, dw, r / outH, r % outH);
}

// Max-pool gradient for windows side by side (window = stride, no padding): each window's gradient goes to
// its first maximum in row-major order, as tfjs' cpu backend does, and every other element of the windows
// gets 0 (rows and columns past the last window are left to the caller). Rows are (image, output row)
// pairs. Requires ch % 4 == 0.
__attribute__((export_name("max_pool_grad_tiling")))
void maxPoolGradTiling(const float* x, const float* dy, float* dx, int inH, int inW, int outH, int outW, int ch, int fh,
                       int fw, int row0, int row1) {
  const int rowStride = inW * ch;
  for (int r = row0; r < row1; r++) {
    const int b = r / outH, oh = r % outH;
    const int rowStart = (b * inH + oh * fh) * rowStride;
    const float* dyRow = dy + r * outW * ch;
    for (int ow = 0; ow < outW; ow++) {
      const int window = rowStart + ow * fw * ch;
      for (int c = 0; c < ch; c += 4) {
        if (fh == 2 && fw == 2) { // the usual 2×2 pooling, unrolled
          const float* x0 = x + window + c;
          float* dx0 = dx + window + c;
          const v128_t v0 = wasm_v128_load(x0), v1 = wasm_v128_load(x0 + ch);
          const v128_t v2 = wasm_v128_load(x0 + rowStride), v3 = wasm_v128_load(x0 + rowStride + ch);
          // the first maximum in row-major order: a later tap must be strictly larger than all before it
          const v128_t take1 = wasm_f32x4_gt(v1, v0);
          const v128_t best1 = wasm_v128_bitselect(v1, v0, take1);
          const v128_t take2 = wasm_f32x4_gt(v2, best1);
          const v128_t take3 = wasm_f32x4_gt(v3, wasm_v128_bitselect(v2, best1, take2));
          const v128_t at3 = take3, at2 = wasm_v128_andnot(take2, at3);
          const v128_t at1 = wasm_v128_andnot(wasm_v128_andnot(take1, take2), take3);
          const v128_t at0 = wasm_v128_not(wasm_v128_or(wasm_v128_or(take1, take2), take3));
          const v128_t g = wasm_v128_load(dyRow + ow * ch + c);
          wasm_v128_store(dx0, wasm_v128_and(g, at0));
          wasm_v128_store(dx0 + ch, wasm_v128_and(g, at1));
          wasm_v128_store(dx0 + rowStride, wasm_v128_and(g, at2));
          wasm_v128_store(dx0 + rowStride + ch, wasm_v128_and(g, at3));
          continue;
        }
        // taps are numbered in row-major order; only a strictly larger value takes over
        v128_t best = wasm_v128_load(x + window + c);
        v128_t bestTap = wasm_i32x4_splat(0);
        for (int h = 0, t = 0; h < fh; h++) {
          for (int w = 0; w < fw; w++, t++) {
            const v128_t v = wasm_v128_load(x + window + h * rowStride + w * ch + c);
            const v128_t larger = wasm_f32x4_gt(v, best);
            best = wasm_v128_bitselect(v, best, larger);
            bestTap = wasm_v128_bitselect(wasm_i32x4_splat(t), bestTap, larger);
          }
        }
        const v128_t g = wasm_v128_load(dyRow + ow * ch + c);
        for (int h = 0, t = 0; h < fh; h++) {
          for (int w = 0; w < fw; w++, t++) {
            wasm_v128_store(dx + window + h * rowStride + w * ch + c, wasm_v128_and(g, wasm_i32x4_eq(bestTap, wasm_i32x4_splat(t))));
          }
        }
      }
    }
  }
}

// Any max-pool window, stride and padding, for images [image0, image1): dx, zeroed by the caller, receives
// each window's gradient at its first maximum (windows may overlap, so work is split by image).
__attribute__((export_name("max_pool_grad")))
void maxPoolGrad(const float* x, const float* dy, float* dx, int inH, int inW, int ch, int outH, int outW, int fh,
                 int fw, int strideH, int strideW, int padTop, int padLeft, int image0, int image1) {
  for (int b = image0; b < image1; b++) {
    for (int oh = 0; oh < outH; oh++) {
      const int h0 = oh * strideH - padTop < 0 ? 0 : oh * strideH - padTop;
      const int h1 = oh * strideH - padTop + fh > inH ? inH : oh * strideH - padTop + fh;
      for (int ow = 0; ow < outW; ow++) {
        const int w0 = ow * strideW - padLeft < 0 ? 0 : ow * strideW - padLeft;
        const int w1 = ow * strideW - padLeft + fw > inW ? inW : ow * strideW - padLeft + fw;
        const float* g = dy + ((b * outH + oh) * outW + ow) * ch;
        for (int c = 0; c < ch; c++) {
          int best = -1;
          float bestValue = -__builtin_inff();
          for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
              const int at = ((b * inH + h) * inW + w) * ch + c;
              if (x[at] > bestValue) {
                bestValue = x[at];
                best = at;
              }
            }
          }
          if (best >= 0) dx[best] += g[c];
        }
      }
    }
  }
}

// C[M][N] = A(M×K) · B[K][N] for the column blocks [block0, block1) of 8 columns (B and C row-major; K > 0).
// K is walked in slices whose 8 columns of B stay in L1 while every row of A passes over them.
__attribute__((export_name("matmul")))
void matmul(const float* a, int am, int ak, const float* b, float* c, int M, int N, int K, int block0, int block1) {
  const int K_SLICE = 256;
  for (int blk = block0; blk < block1; blk++) {
    const int n = blk * 8, width = N - n < 8 ? N - n : 8;
    for (int k = 0; k < K; k += K_SLICE) {
      const int count = K - k < K_SLICE ? K - k : K_SLICE;
      for (int m = 0; m < M; m += 4) {
        gemmBlock(a + m * am + k * ak, am, ak, b + k * N + n, N, count, c + m * N + n, N, M - m < 4 ? M - m : 4, width, k > 0);
      }
    }
  }
}

#define F32(bits) __builtin_bit_cast(float, (bits))
#define ELEMENT_CHUNK 4096 // elements per row of the element-wise kernels

// One Adam step for the elements of chunks [chunk0, chunk1) of ELEMENT_CHUNK: the moments m, v and the new
// value, in float32 operations in exactly the order tfjs' AdamOptimizer runs them (so the numbers are the
// same), in one pass instead of fourteen. Scalars arrive as their float32 bit patterns; c1 = 1 − β1^t and
// c2 = 1 − β2^t are the bias corrections and negLr = −learning rate.
__attribute__((export_name("adam_step")))
void adamStep(const float* value, const float* m, const float* v, const float* g, float* outValue, float* outM, float* outV,
              int n, int beta1Bits, int oneMinusBeta1Bits, int beta2Bits, int oneMinusBeta2Bits, int c1Bits, int c2Bits,
              int epsilonBits, int negLrBits, int chunk0, int chunk1) {
  const float b1 = F32(beta1Bits), ob1 = F32(oneMinusBeta1Bits), b2 = F32(beta2Bits), ob2 = F32(oneMinusBeta2Bits);
  const float c1 = F32(c1Bits), c2 = F32(c2Bits), eps = F32(epsilonBits), negLr = F32(negLrBits);
  const int end = chunk1 * ELEMENT_CHUNK < n ? chunk1 * ELEMENT_CHUNK : n;
  int i = chunk0 * ELEMENT_CHUNK;
  const v128_t vb1 = wasm_f32x4_splat(b1), vob1 = wasm_f32x4_splat(ob1), vb2 = wasm_f32x4_splat(b2), vob2 = wasm_f32x4_splat(ob2);
  const v128_t vc1 = wasm_f32x4_splat(c1), vc2 = wasm_f32x4_splat(c2), veps = wasm_f32x4_splat(eps), vlr = wasm_f32x4_splat(negLr);
  for (; i + 4 <= end; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vob1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vob2));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_div(mi, vc1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, vc2)), veps));
    wasm_v128_store(outM + i, mi);
    wasm_v128_store(outV + i, vi);
    wasm_v128_store(outValue + i, wasm_f32x4_add(wasm_f32x4_mul(step, vlr), wasm_v128_load(value + i)));
  }
  for (; i < end; i++) {
    const float mi = m[i] * b1 + g[i] * ob1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * ob2;
    outM[i] = mi;
    outV[i] = vi;
    outValue[i] = ((mi / c1) / (__builtin_sqrtf(vi / c2) + eps)) * negLr + value[i];
  }
}

// dst[i] += src[i] for i < n: sums the chunks' partial filter gradients.
__attribute__((export_name("add_into")))
void addInto(float* dst, const float* src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}

// The ReLU gradient for the elements of chunks [chunk0, chunk1) of ELEMENT_CHUNK: dy · step(x), with step(x)
// = 1 where x > 0, 0 elsewhere and NaN where x is NaN — tfjs' formula (Step, Cast, Multiply: three passes
// over the activation) in one pass, with the same numbers.
__attribute__((export_name("relu_grad")))
void reluGrad(const float* dy, const float* x, float* dx, int n, int chunk0, int chunk1) {
  const int end = chunk1 * ELEMENT_CHUNK < n ? chunk1 * ELEMENT_CHUNK : n;
  int i = chunk0 * ELEMENT_CHUNK;
  const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f);
  for (; i + 4 <= end; i += 4) {
    const v128_t xi = wasm_v128_load(x + i);
    const v128_t step = wasm_v128_bitselect(xi, wasm_v128_and(one, wasm_f32x4_gt(xi, zero)), wasm_f32x4_ne(xi, xi));
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), step));
  }
  for (; i < end; i++) dx[i] = dy[i] * (x[i] != x[i] ? x[i] : x[i] > 0.0f ? 1.0f : 0.0f);
}

// out[r][c] = x[r][c] + bias[c] for rows [row0, row1) of `ch` channels: a layer's bias added to every
// position (tfjs' broadcasting Add takes a generic, element-at-a-time path for it).
__attribute__((export_name("add_bias")))
void addBias(const float* x, const float* bias, float* out, int ch, int row0, int row1) {
  for (int r = row0; r < row1; r++) {
    const float* xr = x + r * ch;
    float* outr = out + r * ch;
    int c = 0;
    for (; c + 4 <= ch; c += 4) wasm_v128_store(outr + c, wasm_f32x4_add(wasm_v128_load(xr + c), wasm_v128_load(bias + c)));
    for (; c < ch; c++) outr[c] = xr[c] + bias[c];
  }
}

// max(0, v) as tfjs computes it (Math.max): NaN stays NaN, and −0 becomes +0.
static inline v128_t reluOf(v128_t v) {
  return wasm_v128_bitselect(v, wasm_f32x4_splat(0.0f), wasm_v128_or(wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f)), wasm_f32x4_ne(v, v)));
}

// What a kernel does to its results before storing them (a fused layer: bias, then ReLU).
#define WITH_BIAS 1
#define WITH_RELU 2

// Batch normalisation over the last axis: out[r][c] = (x[r][c] − mean[c]) · a[c] + offset[c] for rows
// [row0, row1), with a = scale / √(variance + ε) per channel from the caller, then ReLU when `flags` has
// WITH_RELU (a layer followed by its activation). With mean and offset 0 it is also the normalisation's input
// gradient dy · a. (tfjs' kernel recomputes the square root per element.)
__attribute__((export_name("channel_affine")))
void channelAffine(const float* x, const float* mean, const float* a, const float* offset, float* out, int ch, int flags, int row0, int row1) {
  for (int r = row0; r < row1; r++) {
    const float* xr = x + r * ch;
    float* outr = out + r * ch;
    int c = 0;
    for (; c + 4 <= ch; c += 4) {
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(centred, wasm_v128_load(a + c)), wasm_v128_load(offset + c));
      wasm_v128_store(outr + c, flags & WITH_RELU ? reluOf(v) : v);
    }
    for (; c < ch; c++) {
      const float v = (xr[c] - mean[c]) * a[c] + offset[c];
      outr[c] = flags & WITH_RELU && !(v > 0.0f || v != v) ? 0.0f : v;
    }
  }
}

// dy where a ReLU's output y is positive, 0 elsewhere (no ReLU: y null) — the gradient a layer followed by
// its ReLU receives.
static inline v128_t maskedBy(v128_t dy, const float* y) {
  return y ? wasm_v128_and(dy, wasm_f32x4_gt(wasm_v128_load(y), wasm_f32x4_splat(0.0f))) : dy;
}
static inline float maskedScalar(float dy, const float* y) { return y && !(*y > 0.0f) ? 0.0f : dy; }

// Per channel, Σ dy into sums[c] and Σ dy · (x − mean) into sums[ch + c], over rows [row0, row1): everything
// the gradients of a batch normalisation's offset, scale, mean and variance need, in one pass over the
// activation (tfjs' formula makes five full-size products and differences, then sums them). `relu`: the
// output of the ReLU that follows the normalisation (its gradient is applied to dy first), or null.
__attribute__((export_name("batch_norm_sums")))
void batchNormSums(const float* dy, const float* relu, const float* x, const float* mean, float* sums, int ch, int row0, int row1) {
  float* sumDyCentred = sums + ch;
  for (int r = row0; r < row1; r++) {
    const float* dyr = dy + r * ch;
    const float* xr = x + r * ch;
    const float* yr = relu ? relu + r * ch : 0;
    int c = 0;
    for (; c + 4 <= ch; c += 4) {
      const v128_t d = maskedBy(wasm_v128_load(dyr + c), yr ? yr + c : 0);
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      wasm_v128_store(sums + c, wasm_f32x4_add(wasm_v128_load(sums + c), d));
      wasm_v128_store(sumDyCentred + c, wasm_f32x4_add(wasm_v128_load(sumDyCentred + c), wasm_f32x4_mul(d, centred)));
    }
    for (; c < ch; c++) {
      const float d = maskedScalar(dyr[c], yr ? yr + c : 0);
      sums[c] += d;
      sumDyCentred[c] += d * (xr[c] - mean[c]);
    }
  }
}

// A training batch normalisation's input gradient for rows [row0, row1): dx = a[c]·dy + k[c]·(x − mean[c]) + b[c],
// where `coefficients` holds a, k and b (ch each): the direct term and what flows back through the batch's mean
// and variance (the caller computes k and b from batch_norm_sums). `relu` as in batch_norm_sums.
__attribute__((export_name("batch_norm_input_grad")))
void batchNormInputGrad(const float* dy, const float* relu, const float* x, const float* mean, const float* coefficients, float* dx, int ch,
                        int row0, int row1) {
  const float *a = coefficients, *k = coefficients + ch, *b = coefficients + 2 * ch;
  for (int r = row0; r < row1; r++) {
    const float* dyr = dy + r * ch;
    const float* xr = x + r * ch;
    const float* yr = relu ? relu + r * ch : 0;
    float* dxr = dx + r * ch;
    int c = 0;
    for (; c + 4 <= ch; c += 4) {
      const v128_t d = maskedBy(wasm_v128_load(dyr + c), yr ? yr + c : 0);
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(d, wasm_v128_load(a + c)), wasm_f32x4_mul(centred, wasm_v128_load(k + c)));
      wasm_v128_store(dxr + c, wasm_f32x4_add(v, wasm_v128_load(b + c)));
    }
    for (; c < ch; c++) dxr[c] = maskedScalar(dyr[c], yr ? yr + c : 0) * a[c] + (xr[c] - mean[c]) * k[c] + b[c];
  }
}

// Per channel, Σ x into sums[c] over rows [row0, row1) (bias gradients, a batch's mean), or with `mean`
// (not null) Σ (x − mean[c])² (a batch's variance, as a second pass after the mean).
__attribute__((export_name("channel_sums")))
void channelSums(const float* x, const float* mean, float* sums, int ch, int row0, int row1) {
  for (int r = row0; r < row1; r++) {
    const float* xr = x + r * ch;
    int c = 0;
    for (; c + 4 <= ch; c += 4) {
      v128_t v = wasm_v128_load(xr + c);
      if (mean) {
        v = wasm_f32x4_sub(v, wasm_v128_load(mean + c));
        v = wasm_f32x4_mul(v, v);
      }
      wasm_v128_store(sums + c, wasm_f32x4_add(wasm_v128_load(sums + c), v));
    }
    for (; c < ch; c++) sums[c] += mean ? (xr[c] - mean[c]) * (xr[c] - mean[c]) : xr[c];
  }
}

// Global average pooling of images [image0, image1): out[b][c] = Σ_p x[b][p][c] / positions.
__attribute__((export_name("global_average_pool")))
void globalAveragePool(const float* x, float* out, int positions, int ch, int image0, int image1) {
  const v128_t scale = wasm_f32x4_splat(1.0f / positions);
  for (int b = image0; b < image1; b++) {
    const float* xb = x + b * positions * ch;
    int c = 0;
    for (; c + 4 <= ch; c += 4) {
      v128_t sum = wasm_f32x4_splat(0.0f);
      for (int p = 0; p < positions; p++) sum = wasm_f32x4_add(sum, wasm_v128_load(xb + p * ch + c));
      wasm_v128_store(out + b * ch + c, wasm_f32x4_mul(sum, scale));
    }
    for (; c < ch; c++) {
      float sum = 0.0f;
      for (int p = 0; p < positions; p++) sum += xb[p * ch + c];
      out[b * ch + c] = sum * (1.0f / positions);
    }
  }
}

// Its gradient: dx[b][p][c] = dy[b][c] / positions for images [image0, image1).
__attribute__((export_name("global_average_pool_grad")))
void globalAveragePoolGrad(const float* dy, float* dx, int positions, int ch, int image0, int image1) {
  const v128_t scale = wasm_f32x4_splat(1.0f / positions);
  for (int b = image0; b < image1; b++) {
    float* dxb = dx + b * positions * ch;
    int c = 0;
    for (; c + 4 <= ch; c += 4) {
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(dy + b * ch + c), scale);
      for (int p = 0; p < positions; p++) wasm_v128_store(dxb + p * ch + c, g);
    }
    for (; c < ch; c++) {
      const float g = dy[b * ch + c] * (1.0f / positions);
      for (int p = 0; p < positions; p++) dxb[p * ch + c] = g;
    }
  }
}

// out = a + b for the elements of chunks [chunk0, chunk1) of ELEMENT_CHUNK (residual connections; gradients of
// a tensor several layers read).
__attribute__((export_name("add_elements")))
void addElements(const float* a, const float* b, float* out, int n, int chunk0, int chunk1) {
  const int end = chunk1 * ELEMENT_CHUNK < n ? chunk1 * ELEMENT_CHUNK : n;
  int i = chunk0 * ELEMENT_CHUNK;
  for (; i + 4 <= end; i += 4) wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  for (; i < end; i++) out[i] = a[i] + b[i];
}

// dst[r][dstFirst + c] = src[r][srcFirst + c] for c < width and rows [row0, row1), rows of srcCh and dstCh
// channels: one input's part of a concatenation along the channels, or (backward) its part of the gradient.
__attribute__((export_name("copy_channels")))
void copyChannels(const float* src, int srcCh, int srcFirst, float* dst, int dstCh, int dstFirst, int width, int row0, int row1) {
  for (int r = row0; r < row1; r++) {
    const float* from = src + r * srcCh + srcFirst;
    float* to = dst + r * dstCh + dstFirst;
    int c = 0;
    for (; c + 4 <= width; c += 4) wasm_v128_store(to + c, wasm_v128_load(from + c));
    for (; c < width; c++) to[c] = from[c];
  }
}

// ---- 3×3 convolutions with stride 1 by Winograd's minimal filtering F(m×m, 3×3), m = 2 or 4 (Lavin & Gray 2016) ----
// Each m×m block ("tile") of outputs comes from an n×n input patch d (n = m + 2) and the filter g as
// Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A: n² multiplications per tile and channel pair instead of 9m² (16 for 4 outputs
// with m = 2, 36 for 16 with m = 4), and the n² element-wise products over all channel pairs are n² matrix
// products (tiles × ci by ci × co). The filter gradient is the exact gradient of the same formula:
// dg = Gᵀ [Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)] G. Every function takes m and calls its body with m a constant, so
// that each tile size compiles to its own straight-line code.
// Work is split by blocks of `tb` tiles (tb % 4 == 0); each chunk of blocks has its own scratch memory.
// Requires ci % 4 == 0 and co % 4 == 0. Loops over the small local arrays are unrolled in full, so that the
// arrays live in registers: a local array left in memory would be on the stack (see the top of this file).
#define UNROLL _Pragma("clang loop unroll(full)")

static inline v128_t add(v128_t a, v128_t b) { return wasm_f32x4_add(a, b); }
static inline v128_t sub(v128_t a, v128_t b) { return wasm_f32x4_sub(a, b); }
static inline v128_t times(float k, v128_t a) { return wasm_f32x4_mul(wasm_f32x4_splat(k), a); }

// The positions of an n×n transform: the planes of transformed tiles and of the transformed filter.
static inline int positions(int m) { return (m + 2) * (m + 2); }

// Transformed tiles are stored as n² planes, one per position of the transform, each `tb` tiles × `width`
// channels. A plane is padded by 16 floats: with power-of-two sizes (32 tiles × 32 channels = 4 KiB) the
// planes' rows would fall in the same cache set.
static inline int plane(int tb, int width) { return tb * width + 16; }
// The same for the planes of a transformed filter (or its gradient), ci × co each: at 32 × 64 channels the n²
// planes' rows were 8 KiB apart.
static inline int filterPlane(int ci, int co) { return ci * co + 16; }

// The one-dimensional transforms, each on the values t[0], t[s], t[2s], … of a tile held in registers, in place.
// Bᵀ·d: n values to n.
static inline void inputTransform1d(v128_t* t, int s, int m) {
  if (m == 2) {
    const v128_t d0 = t[0], d1 = t[s], d2 = t[2 * s], d3 = t[3 * s];
    t[0] = sub(d0, d2);
    t[s] = add(d1, d2);
    t[2 * s] = sub(d2, d1);
    t[3 * s] = sub(d1, d3);
  } else {
    const v128_t d0 = t[0], d1 = t[s], d2 = t[2 * s], d3 = t[3 * s], d4 = t[4 * s], d5 = t[5 * s];
    const v128_t d4m2 = sub(d4, d2), d3m1 = times(2.0f, sub(d3, d1));
    t[0] = add(sub(times(4.0f, d0), times(5.0f, d2)), d4);
    t[s] = sub(add(d3, d4), times(4.0f, add(d1, d2)));
    t[2 * s] = add(sub(d4, d3), times(4.0f, sub(d1, d2)));
    t[3 * s] = add(d4m2, d3m1);
    t[4 * s] = sub(d4m2, d3m1);
    t[5 * s] = add(sub(times(4.0f, d1), times(5.0f, d3)), d5);
  }
}

// Aᵀ·q: n values to m (the outputs of a tile).
static inline void outputTransform1d(v128_t* t, int s, int m) {
  if (m == 2) {
    const v128_t q0 = t[0], q1 = t[s], q2 = t[2 * s], q3 = t[3 * s];
    t[0] = add(add(q0, q1), q2);
    t[s] = sub(sub(q1, q2), q3);
  } else {
    const v128_t q0 = t[0], q5 = t[5 * s];
    const v128_t s12 = add(t[s], t[2 * s]), d12 = sub(t[s], t[2 * s]), s34 = add(t[3 * s], t[4 * s]), d34 = sub(t[3 * s], t[4 * s]);
    t[0] = add(add(q0, s12), s34);
    t[s] = add(d12, times(2.0f, d34));
    t[2 * s] = add(s12, times(4.0f, s34));
    t[3 * s] = add(add(d12, times(8.0f, d34)), q5);
  }
}

// G·g: 3 filter taps to n.
static inline void filterTransform1d(v128_t* t, int s, int m) {
  const v128_t g0 = t[0], g1 = t[s], g2 = t[2 * s];
  if (m == 2) {
    t[s] = times(0.5f, add(add(g0, g1), g2));
    t[2 * s] = times(0.5f, add(sub(g0, g1), g2));
    t[3 * s] = g2;
  } else {
    const v128_t outer = add(g0, g2), mid = add(times(1.0f / 24, g0), times(1.0f / 6, g2)), g1over12 = times(1.0f / 12, g1);
    t[0] = times(0.25f, g0);
    t[s] = times(-1.0f / 6, add(outer, g1));
    t[2 * s] = times(-1.0f / 6, sub(outer, g1));
    t[3 * s] = add(mid, g1over12);
    t[4 * s] = sub(mid, g1over12);
    t[5 * s] = g2;
  }
}

// A·e: m output gradients of a tile to n (the transpose of outputTransform1d).
static inline void outputGradTransform1d(v128_t* t, int s, int m) {
  if (m == 2) {
    const v128_t e0 = t[0], e1 = t[s];
    t[s] = add(e0, e1);
    t[2 * s] = sub(e0, e1);
    t[3 * s] = wasm_f32x4_neg(e1);
  } else {
    const v128_t e0 = t[0], e1 = t[s], e2 = t[2 * s], e3 = t[3 * s];
    const v128_t even = add(e0, e2), odd = add(e1, e3);
    const v128_t even4 = add(e0, times(4.0f, e2)), odd4 = add(times(2.0f, e1), times(8.0f, e3));
    t[s] = add(even, odd);
    t[2 * s] = sub(even, odd);
    t[3 * s] = add(even4, odd4);
    t[4 * s] = sub(even4, odd4);
    t[5 * s] = e3;
  }
}

// Gᵀ·u: n values to 3 filter taps (the transpose of filterTransform1d).
static inline void filterGradTransform1d(v128_t* t, int s, int m) {
  if (m == 2) {
    const v128_t u0 = t[0], u3 = t[3 * s], half12 = times(0.5f, add(t[s], t[2 * s]));
    t[s] = times(0.5f, sub(t[s], t[2 * s]));
    t[0] = add(u0, half12);
    t[2 * s] = add(half12, u3);
  } else {
    const v128_t u0 = t[0], u5 = t[5 * s];
    const v128_t s12 = add(t[s], t[2 * s]), d21 = sub(t[2 * s], t[s]), s34 = add(t[3 * s], t[4 * s]), d34 = sub(t[3 * s], t[4 * s]);
    t[0] = add(sub(times(0.25f, u0), times(1.0f / 6, s12)), times(1.0f / 24, s34));
    t[s] = add(times(1.0f / 6, d21), times(1.0f / 12, d34));
    t[2 * s] = add(times(1.0f / 6, sub(s34, s12)), u5);
  }
}

// The two-dimensional transforms of a tile t[row · n + column]: first down the `columns` columns, then along
// the rows that holds (how many values the first pass leaves in each column).
#define TRANSFORM_2D(transform1d, t, m, columns, rows) \
  do { \
    const int n_ = (m) + 2; \
    UNROLL for (int j = 0; j < (columns); j++) transform1d((t) + j, n_, (m)); \
    UNROLL for (int i = 0; i < (rows); i++) transform1d((t) + i * n_, 1, (m)); \
  } while (0)

// A convolution's geometry as tiles: tH × tW tiles of m×m outputs per image; tile t is image t / (tH·tW), tile
// row t / tW % tH, tile column t % tW.
typedef struct {
  int inH, inW, ci, outH, outW, co, padTop, padLeft, tH, tW;
} Tiles;

static inline Tiles tilesOf(int inH, int inW, int ci, int outH, int outW, int co, int padTop, int padLeft, int m) {
  const Tiles g = {inH, inW, ci, outH, outW, co, padTop, padLeft, (outH + m - 1) / m, (outW + m - 1) / m};
  return g;
}

// V[pos][slot][ci] = Bᵀ d B for the input patches of tiles [t0, t0 + count) (zeros outside the image).
static inline __attribute__((always_inline)) void transformInputs(const Tiles* g, const float* x, float* v, int tb, int t0, int count, int m) {
  const int ci = g->ci, n = m + 2;
  for (int s = 0; s < count; s++) {
    const int t = t0 + s, b = t / (g->tH * g->tW), ty = t / g->tW % g->tH, tx = t % g->tW;
    const int y0 = m * ty - g->padTop, x0 = m * tx - g->padLeft;
    for (int c = 0; c < ci; c += 4) {
      v128_t d[36];
      UNROLL for (int i = 0; i < n; i++) {
        const int y = y0 + i;
        UNROLL for (int j = 0; j < n; j++) {
          const int xx = x0 + j;
          d[i * n + j] = y >= 0 && y < g->inH && xx >= 0 && xx < g->inW
            ? wasm_v128_load(x + ((b * g->inH + y) * g->inW + xx) * ci + c) : wasm_f32x4_splat(0.0f);
        }
      }
      TRANSFORM_2D(inputTransform1d, d, m, n, n);
      UNROLL for (int p = 0; p < n * n; p++) wasm_v128_store(v + p * plane(tb, ci) + s * ci + c, d[p]);
    }
  }
}

// U[pos][ci][co] = G g Gᵀ for every channel pair of a [3][3][ci][co] filter.
static inline __attribute__((always_inline)) void filterTransform(const float* g, float* u, int ci, int co, int m) {
  const int pairs = ci * co, n = m + 2;
  for (int k = 0; k < pairs; k += 4) {
    v128_t t[36];
    UNROLL for (int i = 0; i < 3; i++) UNROLL for (int j = 0; j < 3; j++) t[i * n + j] = wasm_v128_load(g + (i * 3 + j) * pairs + k);
    TRANSFORM_2D(filterTransform1d, t, m, 3, n);
    UNROLL for (int p = 0; p < n * n; p++) wasm_v128_store(u + p * filterPlane(ci, co) + k, t[p]);
  }
}

__attribute__((export_name("winograd_filter_transform")))
void winogradFilterTransform(const float* g, float* u, int ci, int co, int m) {
  if (m == 4) filterTransform(g, u, ci, co, 4);
  else filterTransform(g, u, ci, co, 2);
}

// M[pos][slot][co] = V[pos][slot][·] · U[pos] for `count` slots (n² matrix products, rows padded to 4).
static void productsPerPosition(const float* v, const float* u, float* mm, int tb, int count, int ci, int co, int m) {
  const int rows = (count + 3) & ~3;
  for (int p = 0; p < positions(m); p++) {
    float* mp = mm + p * plane(tb, co);
    const float* vp = v + p * plane(tb, ci);
    const float* up = u + p * filterPlane(ci, co);
    for (int n = 0; n < co; n += 8) {
      for (int s = 0; s < rows; s += 4) gemmBlock(vp + s * ci, ci, 1, up + n, co, ci, mp + s * co + n, co, 4, co - n < 8 ? co - n : 8, 0);
    }
  }
}

static inline v128_t finish(v128_t sum, const float* bias, int flags) {
  if (flags & WITH_BIAS) sum = wasm_f32x4_add(sum, wasm_v128_load(bias));
  if (flags & WITH_RELU) sum = reluOf(sum);
  return sum;
}

static inline __attribute__((always_inline)) void conv2d(const float* x, const float* u, const float* bias, int flags, float* y, float* scratch,
                                                         const Tiles* g, int tiles, int tb, int block0, int block1, int m) {
  const int n = m + 2, ci = g->ci, co = g->co, outH = g->outH, outW = g->outW;
  float* v = scratch;
  float* mm = scratch + positions(m) * plane(tb, ci);
  for (int blk = block0; blk < block1; blk++) {
    const int t0 = blk * tb, count = tiles - t0 < tb ? tiles - t0 : tb;
    // slots past `count` (the last block) feed the products with zeros and are never read back
    for (int i = count * ci; i < ((count + 3) & ~3) * ci; i++) for (int p = 0; p < positions(m); p++) v[p * plane(tb, ci) + i] = 0.0f;
    transformInputs(g, x, v, tb, t0, count, m);
    productsPerPosition(v, u, mm, tb, count, ci, co, m);
    for (int s = 0; s < count; s++) {
      const int t = t0 + s, b = t / (g->tH * g->tW), oy = m * (t / g->tW % g->tH), ox = m * (t % g->tW);
      for (int c = 0; c < co; c += 4) {
        v128_t q[36];
        UNROLL for (int p = 0; p < n * n; p++) q[p] = wasm_v128_load(mm + p * plane(tb, co) + s * co + c);
        TRANSFORM_2D(outputTransform1d, q, m, n, m);
        // the outputs inside the image (a tile at the bottom or right edge may reach past it)
        UNROLL for (int i = 0; i < m; i++) {
          UNROLL for (int j = 0; j < m; j++) {
            if (oy + i < outH && ox + j < outW) wasm_v128_store(y + ((b * outH + oy + i) * outW + ox + j) * co + c, finish(q[i * n + j], bias + c, flags));
          }
        }
      }
    }
  }
}

// y[b][oy][ox][co] for the tiles of blocks [block0, block1) of `tiles` (= batch · tH · tW): per block, the
// input patches transformed, n² matrix products with the transformed filter u (winograd_filter_transform),
// then Aᵀ M A (+ bias[co], then ReLU, as `flags` say) into the outputs inside the image.
// scratch: n²·(plane(tb, ci) + plane(tb, co)) floats.
__attribute__((export_name("winograd_conv2d")))
void winogradConv2d(const float* x, const float* u, const float* bias, int flags, float* y, float* scratch, int inH,
                    int inW, int ci, int outH, int outW, int co, int padTop, int padLeft, int tiles, int tb, int m, int block0,
                    int block1) {
  const Tiles g = tilesOf(inH, inW, ci, outH, outW, co, padTop, padLeft, m);
  if (m == 4) conv2d(x, u, bias, flags, y, scratch, &g, tiles, tb, block0, block1, 4);
  else conv2d(x, u, bias, flags, y, scratch, &g, tiles, tb, block0, block1, 2);
}

static inline __attribute__((always_inline)) void filterGrad(const float* x, const float* dy, float* scratch, const Tiles* g, int tiles,
                                                             int tb, int block0, int block1, int m) {
  const int n = m + 2, ci = g->ci, co = g->co, outH = g->outH, outW = g->outW;
  float* du = scratch;
  float* v = du + positions(m) * filterPlane(ci, co);
  float* pm = v + positions(m) * plane(tb, ci);
  for (int blk = block0; blk < block1; blk++) {
    const int t0 = blk * tb, count = tiles - t0 < tb ? tiles - t0 : tb;
    transformInputs(g, x, v, tb, t0, count, m);
    for (int s = 0; s < count; s++) { // A dY Aᵀ of each tile's m×m output gradient (zeros outside the image)
      const int t = t0 + s, b = t / (g->tH * g->tW), oy = m * (t / g->tW % g->tH), ox = m * (t % g->tW);
      for (int c = 0; c < co; c += 4) {
        v128_t e[36];
        UNROLL for (int i = 0; i < m; i++) {
          UNROLL for (int j = 0; j < m; j++) {
            e[i * n + j] = oy + i < outH && ox + j < outW ? wasm_v128_load(dy + ((b * outH + oy + i) * outW + ox + j) * co + c) : wasm_f32x4_splat(0.0f);
          }
        }
        TRANSFORM_2D(outputGradTransform1d, e, m, m, n);
        UNROLL for (int p = 0; p < n * n; p++) wasm_v128_store(pm + p * plane(tb, co) + s * co + c, e[p]);
      }
    }
    for (int p = 0; p < positions(m); p++) { // dU[p] (ci × co) += V[p]ᵀ (ci × count) · P[p] (count × co)
      const float* vp = v + p * plane(tb, ci);
      const float* pp = pm + p * plane(tb, co);
      float* dup = du + p * filterPlane(ci, co);
      for (int k = 0; k < co; k += 8) {
        for (int c = 0; c < ci; c += 4) gemmBlock(vp + c, 1, ci, pp + k, co, count, dup + c * co + k, co, 4, co - k < 8 ? co - k : 8, 1);
      }
    }
  }
}

// The filter gradient's Winograd-domain sums dU[pos][ci][co] += Σ_tiles V[pos][tile][ci] · (A dY Aᵀ)[pos][tile][co]
// over the tiles of blocks [block0, block1); `scratch` starts with this chunk's dU (zeroed by the caller),
// then n²·(plane(tb, ci) + plane(tb, co)) floats. winograd_filter_grad_finish turns the sum of the chunks' dU into dW.
__attribute__((export_name("winograd_filter_grad")))
void winogradFilterGrad(const float* x, const float* dy, float* scratch, int inH, int inW, int ci, int outH, int outW,
                        int co, int padTop, int padLeft, int tiles, int tb, int m, int block0, int block1) {
  const Tiles g = tilesOf(inH, inW, ci, outH, outW, co, padTop, padLeft, m);
  if (m == 4) filterGrad(x, dy, scratch, &g, tiles, tb, block0, block1, 4);
  else filterGrad(x, dy, scratch, &g, tiles, tb, block0, block1, 2);
}

// dW[3][3][ci][co] = Gᵀ dU G for every channel pair.
static inline __attribute__((always_inline)) void filterGradFinish(const float* du, float* dw, int ci, int co, int m) {
  const int pairs = ci * co, n = m + 2;
  for (int k = 0; k < pairs; k += 4) {
    v128_t t[36];
    UNROLL for (int p = 0; p < n * n; p++) t[p] = wasm_v128_load(du + p * filterPlane(ci, co) + k);
    TRANSFORM_2D(filterGradTransform1d, t, m, n, 3);
    UNROLL for (int i = 0; i < 3; i++) UNROLL for (int j = 0; j < 3; j++) wasm_v128_store(dw + (i * 3 + j) * pairs + k, t[i * n + j]);
  }
}

__attribute__((export_name("winograd_filter_grad_finish")))
void winogradFilterGradFinish(const float* du, float* dw, int ci, int co, int m) {
  if (m == 4) filterGradFinish(du, dw, ci, co, 4);
  else filterGradFinish(du, dw, ci, co, 2);
}

// ---- Layers with few input channels, and max pooling, so that XNNPACK's thread pool stays idle in a step ----
// (its workers spin for a while after each of its operations, on the cores these kernels' threads need)

// `width` (16 or 4: the channels past the last multiple of 16) output channels from c0 of `pixels` (1 or 2)
// neighbouring output pixels, `xStep` apart in x, from taps [i0, i1) × [j0, j1) (those inside the image); x points
// at tap (0, 0) of the first pixel (possibly outside the image: only taps inside are read). Two pixels share each
// load of the filter. Callers pass width and pixels as constants.
static inline __attribute__((always_inline)) void directPixels(const float* x, const float* w, const float* bias, int flags, float* out,
                                                               const Conv* g, int ci, int kw, int c0, int width, int i0, int i1, int j0,
                                                               int j1, int xStep, int pixels) {
  const int co = g->co, rowStride = g->inW * ci;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  v128_t a[4] = {zero, zero, zero, zero}, b[4] = {zero, zero, zero, zero};
  for (int i = i0; i < i1; i++) {
    for (int j = j0; j < j1; j++) {
      const float* xp = x + i * rowStride + j * ci;
      const float* wp = w + (i * kw + j) * ci * co + c0;
      for (int c = 0; c < ci; c++, wp += co) {
        const v128_t u = wasm_v128_load32_splat(xp + c);
        const v128_t v = pixels == 2 ? wasm_v128_load32_splat(xp + xStep + c) : zero;
        UNROLL for (int k = 0; k < width / 4; k++) {
          const v128_t wk = wasm_v128_load(wp + 4 * k);
          MADD(a[k], u, wk);
          if (pixels == 2) MADD(b[k], v, wk);
        }
      }
    }
  }
  UNROLL for (int k = 0; k < width / 4; k++) {
    wasm_v128_store(out + c0 + 4 * k, finish(a[k], bias + c0 + 4 * k, flags));
    if (pixels == 2) wasm_v128_store(out + co + c0 + 4 * k, finish(b[k], bias + c0 + 4 * k, flags));
  }
}

// The rows [row0, row1) of a direct convolution (see direct_conv2d), with ci, kh and kw constants where the
// caller makes them so: then a window inside the image is one unrolled sequence of multiply-adds.
static inline __attribute__((always_inline)) void directRows(const float* x, const float* w, const float* bias, int flags, float* y,
                                                             const Conv* g, int ci, int kh, int kw, int row0, int row1) {
  const int inH = g->inH, inW = g->inW, outH = g->outH, outW = g->outW, co = g->co, co16 = co & ~15;
  const int strideH = g->strideH, strideW = g->strideW, padTop = g->padTop, padLeft = g->padLeft;
  // output columns whose window lies inside the image horizontally: [inside0, inside1)
  const int inside0 = (padLeft + strideW - 1) / strideW;
  int inside1 = inW - kw + padLeft < 0 ? 0 : (inW - kw + padLeft) / strideW + 1;
  if (inside1 > outW) inside1 = outW;
  for (int r = row0; r < row1; r++) {
    const int b = r / outH, oy = r % outH, y0 = oy * strideH - padTop;
    const int i0 = y0 < 0 ? -y0 : 0, i1 = y0 + kh > inH ? inH - y0 : kh;
    float* outRow = y + r * outW * co;
    for (int ox = 0; ox < outW;) {
      const int x0 = ox * strideW - padLeft;
      const int j0 = x0 < 0 ? -x0 : 0, j1 = x0 + kw > inW ? inW - x0 : kw;
      const int pixels = ox >= inside0 && ox + 1 < inside1 ? 2 : 1;
      // x at tap (0, 0) of this pixel: it may lie outside the image, where no tap reads
      const float* xp = x + ((b * inH + y0) * inW + x0) * ci;
      float* out = outRow + ox * co;
      for (int c0 = 0; c0 < co16; c0 += 16) {
        if (pixels == 2 && i0 == 0 && i1 == kh) directPixels(xp, w, bias, flags, out, g, ci, kw, c0, 16, 0, kh, 0, kw, strideW * ci, 2);
        else if (pixels == 2) directPixels(xp, w, bias, flags, out, g, ci, kw, c0, 16, i0, i1, 0, kw, strideW * ci, 2);
        else directPixels(xp, w, bias, flags, out, g, ci, kw, c0, 16, i0, i1, j0, j1, 0, 1);
      }
      for (int p = 0; p < pixels; p++) {
        for (int c0 = co16; c0 < co; c0 += 4) directPixels(xp + p * strideW * ci, w, bias, flags, out + p * co, g, ci, kw, c0, 4, i0, i1, j0, j1, 0, 1);
      }
      ox += pixels;
    }
  }
}

// y[b][oy][ox][co] = Σ x · w over a kh×kw window (strides, padding; no dilation), then bias and ReLU as `flags`
// say, for rows [row0, row1) of (image, output row): a direct convolution for layers with few input channels
// (an image's first layer), where Winograd's transforms cost more than they save. Requires co % 4 == 0.
// Output pixels whose window lies inside the image go two at a time (they share the filter's loads).
__attribute__((export_name("direct_conv2d")))
void directConv2d(const float* x, const float* w, const float* bias, int flags, float* y, int inH, int inW, int ci, int outH,
                  int outW, int co, int kh, int kw, int strideH, int strideW, int padTop, int padLeft, int row0, int row1) {
  const Conv g = {inH, inW, ci, outH, outW, co, kh, kw, strideH, strideW, 1, 1, padTop, padLeft};
  // a greyscale image's 3×3 first layer, the usual case, with its loops unrolled
  if (ci == 1 && kh == 3 && kw == 3) directRows(x, w, bias, flags, y, &g, 1, 3, 3, row0, row1);
  else directRows(x, w, bias, flags, y, &g, ci, kh, kw, row0, row1);
}

// y[b][oy][ox][c] = the maximum of x over each fh×fw window, for windows side by side (strides = window, no
// padding), rows [row0, row1) of (image, output row). Requires ch % 4 == 0. A later tap wins only if strictly
// larger, as in max_pool_grad_tiling (so the gradient goes to the value the forward pass chose); a NaN in a
// window's first tap therefore stays (the cpu backend skips NaN), a NaN in a later one is skipped.
__attribute__((export_name("max_pool")))
void maxPool(const float* x, float* y, int inH, int inW, int outH, int outW, int ch, int fh, int fw, int row0, int row1) {
  const int rowStride = inW * ch;
  for (int r = row0; r < row1; r++) {
    const int b = r / outH, oh = r % outH;
    const float* rowStart = x + (b * inH + oh * fh) * rowStride;
    float* out = y + r * outW * ch;
    for (int ow = 0; ow < outW; ow++) {
      const float* window = rowStart + ow * fw * ch;
      for (int c = 0; c < ch; c += 4) {
        const float* tap = window + c;
        v128_t best = wasm_v128_load(tap);
        if (fh == 2 && fw == 2) { // the usual 2×2 pooling, unrolled
          best = wasm_f32x4_pmax(best, wasm_v128_load(tap + ch));
          best = wasm_f32x4_pmax(best, wasm_v128_load(tap + rowStride));
          best = wasm_f32x4_pmax(best, wasm_v128_load(tap + rowStride + ch));
        } else {
          for (int i = 0; i < fh; i++) {
            for (int j = i == 0 ? 1 : 0; j < fw; j++) best = wasm_f32x4_pmax(best, wasm_v128_load(tap + i * rowStride + j * ch));
          }
        }
        wasm_v128_store(out + ow * ch + c, best);
      }
    }
  }
}

// y = max(0, x) for the elements of chunks [chunk0, chunk1) of ELEMENT_CHUNK, as tfjs computes it (see reluOf).
__attribute__((export_name("relu")))
void relu(const float* x, float* y, int n, int chunk0, int chunk1) {
  const int end = chunk1 * ELEMENT_CHUNK < n ? chunk1 * ELEMENT_CHUNK : n;
  int i = chunk0 * ELEMENT_CHUNK;
  for (; i + 4 <= end; i += 4) wasm_v128_store(y + i, reluOf(wasm_v128_load(x + i)));
  for (; i < end; i++) y[i] = x[i] > 0.0f || x[i] != x[i] ? x[i] : 0.0f;
}
