// Display formatting shared by pages. Never prints NaN: missing values become an en dash.
export function usd(x: number | null | undefined, digits?: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const d = digits ?? (Math.abs(x) >= 1 ? 2 : Math.abs(x) >= 0.01 ? 4 : 6);
  return `$${x.toFixed(d)}`;
}
export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(digits)}%`;
}
export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`;
}
export function int(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return Math.round(x).toLocaleString('en-US');
}
export function dateTime(d: Date | string | null | undefined): string {
  if (!d) return '–';
  const x = typeof d === 'string' ? new Date(d) : d;
  if (Number.isNaN(x.getTime())) return '–';
  return x.toISOString().replace('T', ' ').slice(0, 19);
}
/** CSS class of a tier badge from its role or name (small/medium/large), else neutral. */
export function tierClass(tier: string | null | undefined): string {
  const t = (tier ?? '').toLowerCase();
  for (const k of ['small', 'medium', 'large']) if (t.includes(k)) return `badge tier-${k}`;
  return 'badge';
}
