import { describe, expect, it } from 'vitest';
import { bucketRange, histPercentile, ratio, wilson } from './stats';
import { toCsv } from './csv';

describe('wilson', () => {
  it('matches the textbook interval for 8/10', () => {
    const w = wilson(8, 10)!;
    expect(w.rate).toBe(0.8);
    expect(w.low).toBeCloseTo(0.4902, 3);
    expect(w.high).toBeCloseTo(0.9433, 3);
  });
  it('stays inside [0,1] at the edges and is null without samples', () => {
    expect(wilson(0, 5)!.low).toBe(0);
    expect(wilson(5, 5)!.high).toBe(1);
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('histPercentile', () => {
  it('interpolates inside buckets and caps the overflow bucket', () => {
    expect(histPercentile([10], 0.5, [100])).toBe(50);
    expect(histPercentile([0, 10], 0.5, [100, 200])).toBe(150);
    expect(histPercentile([0, 0, 4], 0.5, [100, 200])).toBe(200);
    expect(histPercentile([], 0.5)).toBeNull();
  });
});

describe('helpers', () => {
  it('ratio never returns NaN', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
  });
  it('bucketRange covers partial days and is bounded', () => {
    expect(bucketRange(new Date('2026-01-01T23:00:00Z'), new Date('2026-01-02T01:00:00Z'), 'day')).toEqual(['2026-01-01', '2026-01-02']);
    expect(bucketRange(new Date('2020-01-01'), new Date('2030-01-01'), 'hour', 10)).toHaveLength(10);
  });
});

describe('toCsv', () => {
  it('quotes separators and neutralises spreadsheet formulas', () => {
    const csv = toCsv(
      [{ a: 'x,y', b: '=HYPERLINK("evil")', c: 1.5, d: null, e: 'say "hi"\nbye' }],
      [
        { header: 'a', value: (r) => r.a },
        { header: 'b', value: (r) => r.b },
        { header: 'c', value: (r) => r.c },
        { header: 'd', value: (r) => r.d },
        { header: 'e', value: (r) => r.e },
      ],
    );
    expect(csv).toBe('a,b,c,d,e\r\n"x,y","\'=HYPERLINK(""evil"")",1.5,,"say ""hi""\nbye"\r\n');
  });
  it('writes NaN and invalid dates as empty cells', () => {
    expect(toCsv([{ n: Number.NaN, t: new Date('nope') }], [{ header: 'n', value: (r) => r.n }, { header: 't', value: (r) => r.t }])).toBe('n,t\r\n,\r\n');
  });
});
