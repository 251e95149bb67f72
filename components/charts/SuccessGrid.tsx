import type { SuccessCell } from '@/server/analytics/prepare-quality';
import { pct } from '@/lib/format';

/** Below this many ratings a cell shows its count and says it cannot tell yet, instead of a rate. */
export const MIN_RATINGS = 10;

/**
 * Tier x band success rates with their 95% intervals; colour follows the rate. Cells with no
 * ratings, or too few to mean anything, are grey and say so instead of showing a percentage.
 */
export function SuccessGrid({ tiers, bands, cells }: { tiers: string[]; bands: string[]; cells: SuccessCell[] }) {
  if (tiers.length === 0) return <div className="empty">No rated answers in this range.</div>;
  const at = (t: string, b: string) => cells.find((c) => c.tier === t && c.band === b);
  const bg = (r: number | null) => (r === null ? '#f3f4f6' : `hsl(${Math.round(r * 120)}, 60%, ${92 - r * 10}%)`);
  return (
    <div className="table-wrap">
      <table aria-label="Success rate by tier and band">
        <thead>
          <tr>
            <th scope="col">Tier \ band</th>
            {bands.map((b) => <th key={b} scope="col">{b}</th>)}
          </tr>
        </thead>
        <tbody>
          {tiers.map((t) => (
            <tr key={t}>
              <th scope="row">{t}</th>
              {bands.map((b) => {
                const c = at(t, b);
                const n = c?.rated ?? 0;
                if (n === 0 || c?.rate === null || c?.rate === undefined) {
                  return <td key={b} style={{ background: bg(null) }} className="small muted">no ratings</td>;
                }
                if (n < MIN_RATINGS) {
                  return (
                    <td key={b} style={{ background: bg(null) }} className="small muted" title={`${pct(c.rate, 0)} of ${n} ratings; 95% interval ${pct(c.low, 0)}–${pct(c.high, 0)}`}>
                      not enough data (n={n})
                    </td>
                  );
                }
                return (
                  <td key={b} style={{ background: bg(c.rate) }} title={`${n} ratings`}>
                    <strong>{pct(c.rate, 0)}</strong>
                    <div className="small muted">{pct(c.low, 0)}–{pct(c.high, 0)} · n={n}</div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
