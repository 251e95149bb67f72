// Half-precision encoding against its definition: every half value round-trips exactly, and a
// float32 encodes to the nearest half (ties to even).
import { describe, expect, it } from 'vitest';
import { F16_TABLE, toF16 } from './f16';

describe('f16', () => {
  it('round-trips every half-precision value (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const x = F16_TABLE[h];
      if (Number.isNaN(x)) expect(Number.isNaN(F16_TABLE[toF16(x)])).toBe(true);
      else expect(toF16(x)).toBe(Object.is(x, -0) ? 0x8000 : h === 0x8000 ? 0x8000 : h);
    }
  });

  it('rounds a float32 to the nearest half, ties to even', () => {
    const sorted = [...Array.from({ length: 0x7c00 }, (_, h) => h)]; // finite positive halves, in order
    for (let i = 0; i < 20_000; i++) {
      const x = Math.fround(Math.random() ** 3 * 65504);
      const h = toF16(x);
      const down = F16_TABLE[h];
      // no other half is closer than the chosen one
      const prev = h > 0 ? F16_TABLE[h - 1] : -Infinity;
      const next = h < sorted.length - 1 ? F16_TABLE[h + 1] : Infinity;
      expect(Math.abs(x - down)).toBeLessThanOrEqual(Math.abs(x - prev));
      expect(Math.abs(x - down)).toBeLessThanOrEqual(Math.abs(x - next));
      expect(toF16(-x)).toBe(h | 0x8000);
    }
    expect(toF16(1e6)).toBe(0x7c00); // overflow: +Infinity
    expect(toF16(1e-9)).toBe(0); // underflow: zero
    expect(F16_TABLE[toF16(2 ** -20)]).toBe(2 ** -20); // subnormal, exact
  });
});
