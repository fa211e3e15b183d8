// Training kernels in WebAssembly SIMD that work directly on the tfjs wasm backend's memory (this module
// imports it): matrix products (dense layers), 3×3 convolutions and their filter gradients by Winograd's
// F(2×2, 3×3), the convolution filter gradient as a matrix product over each filter tap (other shapes),
// the max-pool gradient, the ReLU gradient, bias addition and Adam's update.
// Each function does the part of the work in [row0, row1) — rows are (image, output row) pairs, images,
// blocks of tiles or of elements — so that several threads sharing the memory can split a call.
// Freestanding: no libc, no data segment and no stack use (no local's address escapes and small local
// arrays are unrolled into registers; test/cnn/simdKernels.test.ts checks that every kernel leaves the
// memory outside its buffers untouched), so this module never writes memory it was not given.
// Build: node scripts/buildSimdKernels.mjs (clang-14 + wasm-ld from Debian).
#include <wasm_simd128.h>

#define MADD(acc, a, b) (acc) = wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))

// Geometry of a 2-D convolution in NHWC with a [kh, kw, ci, co] filter.
typedef struct {
  int inH, inW, ci, outH, outW, co, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft;
} Conv;

// C[m][n0..n0+width) += Σ_k A(m, k) · B[k][n0..]: up to four rows of A, whose element (m, k) is at a + m·am + k·ak
// (any layout: a transposed A is only other strides), times up to 8 (`width`) contiguous columns of B.
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
    int n = 0;
    for (; n + 4 <= width; n += 4) {
      v128_t acc = wasm_v128_load(c + m * ldc + n);
      const float* ap = a + m * am;
      const float* bp = b + n;
      for (int k = 0; k < count; k++, ap += ak, bp += ldb) MADD(acc, wasm_v128_load32_splat(ap), wasm_v128_load(bp));
      wasm_v128_store(c + m * ldc + n, acc);
    }
    for (; n < width; n++) { // columns past the last 4 (products with a column count not divisible by 4)
      float acc = c[m * ldc + n];
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

// C[M][N] += A(M×K) · B[K][N] for the column blocks [block0, block1) of 8 columns (B and C row-major).
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

// ---- 3×3 convolutions with stride 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray 2016) ----
// Each 2×2 block ("tile") of outputs comes from a 4×4 input patch d and the filter g as
// Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A: 16 multiplications per tile and channel pair instead of 36, and the 16
// element-wise products over all channel pairs are 16 matrix products (tiles × ci by ci × co). The filter
// gradient is the exact gradient of the same formula: dg = Gᵀ [Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)] G.
// Work is split by blocks of `tb` tiles (tb % 4 == 0); each chunk of blocks has its own scratch memory.
// Requires ci % 4 == 0 and co % 4 == 0. Loops over the small local arrays are unrolled in full, so that the
// arrays live in registers: a local array left in memory would be on the stack (see the top of this file).

// Transformed tiles are stored as 16 planes, one per position of the 4×4 transform, each `tb` tiles × `width`
// channels. A plane is padded by 16 floats: with power-of-two sizes (32 tiles × 32 channels = 4 KiB) the 16
// planes' rows would fall in the same cache set, and the transforms ran ~10× slower.
static inline int plane(int tb, int width) { return tb * width + 16; }

// Bᵀ x B of a 4×4 patch held as 16 vectors (4 channels each), in place.
static inline void inputTransform(v128_t* d) {
  _Pragma("clang loop unroll(full)") for (int j = 0; j < 4; j++) {
    const v128_t d0 = d[j], d1 = d[4 + j], d2 = d[8 + j], d3 = d[12 + j];
    d[j] = wasm_f32x4_sub(d0, d2);
    d[4 + j] = wasm_f32x4_add(d1, d2);
    d[8 + j] = wasm_f32x4_sub(d2, d1);
    d[12 + j] = wasm_f32x4_sub(d1, d3);
  }
  _Pragma("clang loop unroll(full)") for (int i = 0; i < 16; i += 4) {
    const v128_t d0 = d[i], d1 = d[i + 1], d2 = d[i + 2], d3 = d[i + 3];
    d[i] = wasm_f32x4_sub(d0, d2);
    d[i + 1] = wasm_f32x4_add(d1, d2);
    d[i + 2] = wasm_f32x4_sub(d2, d1);
    d[i + 3] = wasm_f32x4_sub(d1, d3);
  }
}

// A convolution's geometry as tiles: tH × tW tiles of 2×2 outputs per image; tile t is image t / (tH·tW), tile
// row t / tW % tH, tile column t % tW.
typedef struct {
  int inH, inW, ci, outH, outW, co, padTop, padLeft, tH, tW;
} Tiles;

// V[pos][slot][ci] = Bᵀ d B for the input patches of tiles [t0, t0 + count) (zeros outside the image).
static inline __attribute__((always_inline)) void transformInputs(const Tiles* g, const float* x, float* v, int tb, int t0, int count) {
  const int ci = g->ci;
  for (int s = 0; s < count; s++) {
    const int t = t0 + s, b = t / (g->tH * g->tW), ty = t / g->tW % g->tH, tx = t % g->tW;
    const int y0 = 2 * ty - g->padTop, x0 = 2 * tx - g->padLeft;
    for (int c = 0; c < ci; c += 4) {
      v128_t d[16];
      _Pragma("clang loop unroll(full)") for (int i = 0; i < 4; i++) {
        const int y = y0 + i;
        _Pragma("clang loop unroll(full)") for (int j = 0; j < 4; j++) {
          const int xx = x0 + j;
          d[i * 4 + j] = y >= 0 && y < g->inH && xx >= 0 && xx < g->inW
            ? wasm_v128_load(x + ((b * g->inH + y) * g->inW + xx) * ci + c) : wasm_f32x4_splat(0.0f);
        }
      }
      inputTransform(d);
      _Pragma("clang loop unroll(full)") for (int p = 0; p < 16; p++) wasm_v128_store(v + p * plane(tb, ci) + s * ci + c, d[p]);
    }
  }
}

// U[pos][ci][co] = G g Gᵀ for every channel pair of a [3][3][ci][co] filter.
__attribute__((export_name("winograd_filter_transform")))
void winogradFilterTransform(const float* g, float* u, int ci, int co) {
  const int pairs = ci * co;
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int k = 0; k < pairs; k += 4) {
    v128_t w[9], r[12];
    _Pragma("clang loop unroll(full)") for (int i = 0; i < 9; i++) w[i] = wasm_v128_load(g + i * pairs + k);
    _Pragma("clang loop unroll(full)") for (int j = 0; j < 3; j++) { // G · g, column by column
      const v128_t g0 = w[j], g1 = w[3 + j], g2 = w[6 + j];
      r[j] = g0;
      r[3 + j] = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_add(g0, g1), g2), half);
      r[6 + j] = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_sub(g0, g1), g2), half);
      r[9 + j] = g2;
    }
    _Pragma("clang loop unroll(full)") for (int i = 0; i < 4; i++) { // (G g) · Gᵀ, row by row
      const v128_t g0 = r[i * 3], g1 = r[i * 3 + 1], g2 = r[i * 3 + 2];
      wasm_v128_store(u + (i * 4) * pairs + k, g0);
      wasm_v128_store(u + (i * 4 + 1) * pairs + k, wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_add(g0, g1), g2), half));
      wasm_v128_store(u + (i * 4 + 2) * pairs + k, wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_sub(g0, g1), g2), half));
      wasm_v128_store(u + (i * 4 + 3) * pairs + k, g2);
    }
  }
}

// M[pos][slot][co] = V[pos][slot][·] · U[pos] for `count` slots (16 matrix products, rows padded to 4).
static void productsPerPosition(const float* v, const float* u, float* m, int tb, int count, int ci, int co) {
  const int rows = (count + 3) & ~3;
  for (int p = 0; p < 16; p++) {
    float* mp = m + p * plane(tb, co);
    for (int i = 0; i < rows * co; i += 4) wasm_v128_store(mp + i, wasm_f32x4_splat(0.0f));
    const float* vp = v + p * plane(tb, ci);
    const float* up = u + p * ci * co;
    for (int n = 0; n < co; n += 8) {
      for (int s = 0; s < rows; s += 4) gemmBlock(vp + s * ci, ci, 1, up + n, co, ci, mp + s * co + n, co, 4, co - n < 8 ? co - n : 8);
    }
  }
}

// What a convolution does to its sums before storing them (a fused layer: bias, then ReLU).
#define WITH_BIAS 1
#define WITH_RELU 2

static inline v128_t finish(v128_t sum, const float* bias, int flags) {
  if (flags & WITH_BIAS) sum = wasm_f32x4_add(sum, wasm_v128_load(bias));
  // NaN stays NaN, as in tfjs' relu
  if (flags & WITH_RELU) sum = wasm_v128_bitselect(wasm_f32x4_splat(0.0f), sum, wasm_f32x4_lt(sum, wasm_f32x4_splat(0.0f)));
  return sum;
}

// y[b][oy][ox][co] for the tiles of blocks [block0, block1) of `tiles` (= batch · tH · tW): per block, the
// input patches transformed, 16 matrix products with the transformed filter u (winograd_filter_transform),
// then Aᵀ M A (+ bias[co], then ReLU, as `flags` say) into the outputs inside the image.
// scratch: 16·(plane(tb, ci) + plane(tb, co)) floats.
__attribute__((export_name("winograd_conv2d")))
void winogradConv2d(const float* x, const float* u, const float* bias, int flags, float* y, float* scratch, int inH,
                    int inW, int ci, int outH, int outW, int co, int padTop, int padLeft, int tiles, int tb, int block0,
                    int block1) {
  const Tiles g = {inH, inW, ci, outH, outW, co, padTop, padLeft, (outH + 1) / 2, (outW + 1) / 2};
  float* v = scratch;
  float* m = scratch + 16 * plane(tb, ci);
  for (int blk = block0; blk < block1; blk++) {
    const int t0 = blk * tb, count = tiles - t0 < tb ? tiles - t0 : tb;
    // slots past `count` (the last block) feed the products with zeros and are never read back
    for (int i = count * ci; i < ((count + 3) & ~3) * ci; i++) for (int p = 0; p < 16; p++) v[p * plane(tb, ci) + i] = 0.0f;
    transformInputs(&g, x, v, tb, t0, count);
    productsPerPosition(v, u, m, tb, count, ci, co);
    for (int s = 0; s < count; s++) {
      const int t = t0 + s, b = t / (g.tH * g.tW), oy = 2 * (t / g.tW % g.tH), ox = 2 * (t % g.tW);
      for (int c = 0; c < co; c += 4) {
        v128_t q[16], r[8];
        _Pragma("clang loop unroll(full)") for (int p = 0; p < 16; p++) q[p] = wasm_v128_load(m + p * plane(tb, co) + s * co + c);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < 4; j++) { // Aᵀ · M
          r[j] = wasm_f32x4_add(wasm_f32x4_add(q[j], q[4 + j]), q[8 + j]);
          r[4 + j] = wasm_f32x4_sub(wasm_f32x4_sub(q[4 + j], q[8 + j]), q[12 + j]);
        }
        // (Aᵀ M) · A: the two output rows, the second one and the right column only inside the image
        const int right = ox + 1 < outW, below = oy + 1 < outH;
        float* out = y + ((b * outH + oy) * outW + ox) * co + c;
        const float* b0 = bias + c;
        wasm_v128_store(out, finish(wasm_f32x4_add(wasm_f32x4_add(r[0], r[1]), r[2]), b0, flags));
        if (right) wasm_v128_store(out + co, finish(wasm_f32x4_sub(wasm_f32x4_sub(r[1], r[2]), r[3]), b0, flags));
        if (below) wasm_v128_store(out + outW * co, finish(wasm_f32x4_add(wasm_f32x4_add(r[4], r[5]), r[6]), b0, flags));
        if (below && right) wasm_v128_store(out + outW * co + co, finish(wasm_f32x4_sub(wasm_f32x4_sub(r[5], r[6]), r[7]), b0, flags));
      }
    }
  }
}

// The filter gradient's Winograd-domain sums dU[pos][ci][co] += Σ_tiles V[pos][tile][ci] · (A dY Aᵀ)[pos][tile][co]
// over the tiles of blocks [block0, block1); `scratch` starts with this chunk's dU (zeroed by the caller),
// then 16·(plane(tb, ci) + plane(tb, co)) floats. winograd_filter_grad_finish turns the sum of the chunks' dU into dW.
__attribute__((export_name("winograd_filter_grad")))
void winogradFilterGrad(const float* x, const float* dy, float* scratch, int inH, int inW, int ci, int outH, int outW,
                        int co, int padTop, int padLeft, int tiles, int tb, int block0, int block1) {
  const Tiles g = {inH, inW, ci, outH, outW, co, padTop, padLeft, (outH + 1) / 2, (outW + 1) / 2};
  float* du = scratch;
  float* v = du + 16 * ci * co;
  float* pm = v + 16 * plane(tb, ci);
  for (int blk = block0; blk < block1; blk++) {
    const int t0 = blk * tb, count = tiles - t0 < tb ? tiles - t0 : tb;
    transformInputs(&g, x, v, tb, t0, count);
    for (int s = 0; s < count; s++) { // A dY Aᵀ of each tile's 2×2 output gradient (zeros outside the image)
      const int t = t0 + s, b = t / (g.tH * g.tW), oy = 2 * (t / g.tW % g.tH), ox = 2 * (t % g.tW);
      for (int c = 0; c < co; c += 4) {
        v128_t e[4], r[8];
        _Pragma("clang loop unroll(full)") for (int i = 0; i < 2; i++) {
          _Pragma("clang loop unroll(full)") for (int j = 0; j < 2; j++) {
            e[i * 2 + j] = oy + i < outH && ox + j < outW ? wasm_v128_load(dy + ((b * outH + oy + i) * outW + ox + j) * co + c) : wasm_f32x4_splat(0.0f);
          }
        }
        _Pragma("clang loop unroll(full)") for (int j = 0; j < 2; j++) { // A · dY
          r[j] = e[j];
          r[2 + j] = wasm_f32x4_add(e[j], e[2 + j]);
          r[4 + j] = wasm_f32x4_sub(e[j], e[2 + j]);
          r[6 + j] = wasm_f32x4_neg(e[2 + j]);
        }
        _Pragma("clang loop unroll(full)") for (int i = 0; i < 4; i++) { // (A dY) · Aᵀ
          float* out = pm + i * 4 * plane(tb, co) + s * co + c;
          wasm_v128_store(out, r[i * 2]);
          wasm_v128_store(out + plane(tb, co), wasm_f32x4_add(r[i * 2], r[i * 2 + 1]));
          wasm_v128_store(out + 2 * plane(tb, co), wasm_f32x4_sub(r[i * 2], r[i * 2 + 1]));
          wasm_v128_store(out + 3 * plane(tb, co), wasm_f32x4_neg(r[i * 2 + 1]));
        }
      }
    }
    for (int p = 0; p < 16; p++) { // dU[p] (ci × co) += V[p]ᵀ (ci × count) · P[p] (count × co)
      const float* vp = v + p * plane(tb, ci);
      const float* pp = pm + p * plane(tb, co);
      float* dup = du + p * ci * co;
      for (int n = 0; n < co; n += 8) {
        for (int c = 0; c < ci; c += 4) gemmBlock(vp + c, 1, ci, pp + n, co, count, dup + c * co + n, co, 4, co - n < 8 ? co - n : 8);
      }
    }
  }
}

// dW[3][3][ci][co] = Gᵀ dU G for every channel pair.
__attribute__((export_name("winograd_filter_grad_finish")))
void winogradFilterGradFinish(const float* du, float* dw, int ci, int co) {
  const int pairs = ci * co;
  const v128_t half = wasm_f32x4_splat(0.5f);
  for (int k = 0; k < pairs; k += 4) {
    v128_t q[16], r[12];
    _Pragma("clang loop unroll(full)") for (int p = 0; p < 16; p++) q[p] = wasm_v128_load(du + p * pairs + k);
    _Pragma("clang loop unroll(full)") for (int j = 0; j < 4; j++) { // Gᵀ · dU
      const v128_t u0 = q[j], u1 = q[4 + j], u2 = q[8 + j], u3 = q[12 + j];
      r[j] = wasm_f32x4_add(u0, wasm_f32x4_mul(wasm_f32x4_add(u1, u2), half));
      r[4 + j] = wasm_f32x4_mul(wasm_f32x4_sub(u1, u2), half);
      r[8 + j] = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(u1, u2), half), u3);
    }
    _Pragma("clang loop unroll(full)") for (int i = 0; i < 3; i++) { // (Gᵀ dU) · G
      const v128_t u0 = r[i * 4], u1 = r[i * 4 + 1], u2 = r[i * 4 + 2], u3 = r[i * 4 + 3];
      wasm_v128_store(dw + (i * 3) * pairs + k, wasm_f32x4_add(u0, wasm_f32x4_mul(wasm_f32x4_add(u1, u2), half)));
      wasm_v128_store(dw + (i * 3 + 1) * pairs + k, wasm_f32x4_mul(wasm_f32x4_sub(u1, u2), half));
      wasm_v128_store(dw + (i * 3 + 2) * pairs + k, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(u1, u2), half), u3));
    }
  }
}

