// Training kernels in WebAssembly SIMD that work directly on the tfjs wasm backend's memory (this module
// imports it): matrix products (dense layers), the convolution filter gradient as a matrix product over
// each filter tap, the max-pool gradient, and Adam's update.
// Each function does the part of the work in [row0, row1) — rows are (image, output row) pairs or images —
// so that several threads sharing the memory can split a call. Freestanding: no libc, no data segment and no
// stack use (the one address taken, of conv2dFilterGrad's geometry, is inlined away by -O3: the compiled
// module never touches its stack pointer), so this module never writes memory it was not given.
// Build: node scripts/buildSimdKernels.mjs (clang-14 + wasm-ld from Debian).
#include <wasm_simd128.h>

#define MADD(acc, a, b) (acc) = wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))

// Geometry of a 2-D convolution in NHWC with a [kh, kw, ci, co] filter.
typedef struct {
  int inH, inW, ci, outH, outW, co, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft;
} Conv;

// C[m][n0..n0+width) += Σ_k A(m, k) · B[k][n0..]: four rows of A, whose element (m, k) is at a + m·am + k·ak
// (any layout: a transposed A is only other strides), times 8 or 4 (`width`) contiguous columns of B.
static inline void gemmBlock(const float* a, int am, int ak, const float* b, int ldb, int count, float* c, int ldc, int rows, int width) {
  if (rows == 4 && width == 8) {
    v128_t c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4);
    v128_t c10 = wasm_v128_load(c + ldc), c11 = wasm_v128_load(c + ldc + 4);
    v128_t c20 = wasm_v128_load(c + 2 * ldc), c21 = wasm_v128_load(c + 2 * ldc + 4);
    v128_t c30 = wasm_v128_load(c + 3 * ldc), c31 = wasm_v128_load(c + 3 * ldc + 4);
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
    for (int n = 0; n < width; n += 4) {
      v128_t acc = wasm_v128_load(c + m * ldc + n);
      const float* ap = a + m * am;
      const float* bp = b + n;
      for (int k = 0; k < count; k++, ap += ak, bp += ldb) MADD(acc, wasm_v128_load32_splat(ap), wasm_v128_load(bp));
      wasm_v128_store(c + m * ldc + n, acc);
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
          gemmBlock(x0 + c, 1, xStep, dy0 + n, co, count, dwTap + c * co + n, co, ci - c < 4 ? ci - c : 4, co - n < 8 ? co - n : 8);
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
        v128_t best = wasm_v128_load(x + window + c);
        v128_t bestTap = wasm_i32x4_splat(0);
        for (int t = 1; t < fh * fw; t++) {
          const v128_t v = wasm_v128_load(x + window + (t / fw) * rowStride + (t % fw) * ch + c);
          const v128_t larger = wasm_f32x4_gt(v, best);
          best = wasm_v128_bitselect(v, best, larger);
          bestTap = wasm_v128_bitselect(wasm_i32x4_splat(t), bestTap, larger);
        }
        const v128_t g = wasm_v128_load(dyRow + ow * ch + c);
        for (int t = 0; t < fh * fw; t++) {
          const v128_t at = wasm_i32x4_eq(bestTap, wasm_i32x4_splat(t));
          wasm_v128_store(dx + window + (t / fw) * rowStride + (t % fw) * ch + c, wasm_v128_and(g, at));
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

// C[M][N] += A(M×K) · B[K][N] for the column blocks [block0, block1) of 8 columns (B and C row-major, N % 4 == 0).
// K is walked in slices whose 8 columns of B stay in L1 while every row of A passes over them.
__attribute__((export_name("matmul")))
void matmul(const float* a, int am, int ak, const float* b, float* c, int M, int N, int K, int block0, int block1) {
  const int K_SLICE = 256;
  for (int blk = block0; blk < block1; blk++) {
    const int n = blk * 8, width = N - n < 8 ? N - n : 8;
    for (int k = 0; k < K; k += K_SLICE) {
      const int count = K - k < K_SLICE ? K - k : K_SLICE;
      for (int m = 0; m < M; m += 4) {
        gemmBlock(a + m * am + k * ak, am, ak, b + k * N + n, N, count, c + m * N + n, N, M - m < 4 ? M - m : 4, width);
      }
    }
  }
}

#define F32(bits) __builtin_bit_cast(float, (bits))
#define ADAM_CHUNK 4096

// One Adam step for the elements of chunks [chunk0, chunk1) of ADAM_CHUNK: the moments m, v and the new
// value, in float32 operations in exactly the order tfjs' AdamOptimizer runs them (so the numbers are the
// same), in one pass instead of fourteen. Scalars arrive as their float32 bit patterns; c1 = 1 − β1^t and
// c2 = 1 − β2^t are the bias corrections and negLr = −learning rate.
__attribute__((export_name("adam_step")))
void adamStep(const float* value, const float* m, const float* v, const float* g, float* outValue, float* outM, float* outV,
              int n, int beta1Bits, int oneMinusBeta1Bits, int beta2Bits, int oneMinusBeta2Bits, int c1Bits, int c2Bits,
              int epsilonBits, int negLrBits, int chunk0, int chunk1) {
  const float b1 = F32(beta1Bits), ob1 = F32(oneMinusBeta1Bits), b2 = F32(beta2Bits), ob2 = F32(oneMinusBeta2Bits);
  const float c1 = F32(c1Bits), c2 = F32(c2Bits), eps = F32(epsilonBits), negLr = F32(negLrBits);
  const int end = chunk1 * ADAM_CHUNK < n ? chunk1 * ADAM_CHUNK : n;
  int i = chunk0 * ADAM_CHUNK;
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
