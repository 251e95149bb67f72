// IEEE half-precision storage for vectors the cache keeps in memory: half the bytes of float32, and
// the same rounding the HNSW index already stores its vectors with (usearch f16): cosine
// similarities move by ~1e-4. Encoding rounds to nearest-even; decoding is one table lookup. The
// similarity of a float32 query to a stored row is computed here too.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half-precision bits of a float32 (round to nearest even; overflow to ±Infinity; NaN kept). */
export function toF16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  const m = mant >>> 13;
  const rest = mant & 0x1fff;
  let out = sign | (e << 10) | m;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) out++;
  return out;
}

function fromF16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Every half-precision value as float32, by its bits. */
export const F16_TABLE: Float32Array = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = fromF16(h);
  return t;
})();

/** Cosine of a float32 query and a half-precision row (both unit length), clamped to [-1, 1]. */
export function dotF16(a: Float32Array, slab: Uint16Array, at: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * F16_TABLE[slab[at + i]];
  return Math.max(-1, Math.min(1, s));
}

/** Plain dot product of two float32 vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine of a query (with its norm) and a slab row, for embedders whose vectors need not be unit length. */
export function cosineF16(a: Float32Array, aNorm: number, slab: Uint16Array, at: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const v = F16_TABLE[slab[at + i]];
    s += a[i] * v;
    n += v * v;
  }
  const d = aNorm * Math.sqrt(n);
  return d > 0 ? Math.max(-1, Math.min(1, s / d)) : 0;
}
