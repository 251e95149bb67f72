import type { SuccessCell } from '@/server/analytics/prepare-quality';
import { pct } from '@/lib/format';

/** Tier x band success rates with their 95% intervals; colour follows the rate, grey = no ratings. */
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
                return (
                  <td key={b} style={{ background: bg(c?.rate ?? null) }} title={c && c.rated ? `${c.rated} ratings` : 'no ratings'}>
                    <strong>{pct(c?.rate ?? null, 0)}</strong>
                    {c && c.rate !== null && <div className="small muted">{pct(c.low, 0)}–{pct(c.high, 0)} · n={c.rated}</div>}
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
