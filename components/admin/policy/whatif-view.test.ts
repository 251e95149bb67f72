import { describe, expect, it } from 'vitest';
import { mixRows, signedPct, sourcesText } from './whatif-view';

describe('what-if panel helpers', () => {
  it('lists every route of both sides, tiers by recorded traffic first, then the special routes', () => {
    expect(mixRows({ small: 5, medium: 3, '(cache)': 2 }, { medium: 6, large: 2, '(cache)': 2 })).toEqual([
      { route: 'small', before: 5, after: 0, delta: -5 },
      { route: 'medium', before: 3, after: 6, delta: 3 },
      { route: 'large', before: 0, after: 2, delta: 2 },
      { route: '(cache)', before: 2, after: 2, delta: 0 },
    ]);
  });
  it('says where success figures come from, leaving out zero counts', () => {
    expect(sourcesText({ observed: 1200, tier_band: 3, tier: 0, unknown: 1 })).toBe('1,200 observed · 3 tier × band estimate · 1 no ratings');
    expect(sourcesText({ observed: 0, tier_band: 0, tier: 0, unknown: 0 })).toBe('none');
  });
  it('signs relative changes', () => {
    expect(signedPct(0.123)).toBe('+12.3%');
    expect(signedPct(-0.04)).toBe('−4.0%');
    expect(signedPct(0)).toBe('±0%');
    expect(signedPct(null)).toBe('–');
  });
});
