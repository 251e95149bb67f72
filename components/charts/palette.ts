// Stable colours: known tier roles and bands keep their colour across charts; other keys cycle.
const NAMED: Record<string, string> = {
  small: '#22a06b', medium: '#2f80ed', large: '#8e44ad', research: '#e2703a',
  simple: '#22a06b', moderate: '#2f80ed', complex: '#8e44ad', unknown: '#98a2b3',
};
const CYCLE = ['#4f46e5', '#0ea5e9', '#f59e0b', '#ef4444', '#14b8a6', '#a855f7', '#64748b', '#84cc16'];

export function colorFor(key: string, i: number): string {
  const k = key.toLowerCase();
  if (NAMED[k]) return NAMED[k];
  for (const n of ['small', 'medium', 'large']) if (k.includes(n)) return NAMED[n];
  return CYCLE[i % CYCLE.length];
}

export const axisTick = { fontSize: 11, fill: '#5d6478' };
export const pctFmt = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '');
/**
 * Money on axes and in tooltips at any scale: two significant digits below a cent ("$0.0012",
 * "$0.000034"), cents above; zero is "$0". Never "$0.0000" for an amount that is not zero.
 */
export const usdFmt = (v: unknown) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  if (v === 0) return '$0';
  const a = Math.abs(v);
  if (a >= 1) return `$${v.toFixed(2)}`;
  if (a >= 0.01) return `$${v.toFixed(a >= 0.1 ? 2 : 3)}`;
  return `$${Number(v.toPrecision(2)).toFixed(Math.min(12, 1 - Math.floor(Math.log10(a))))}`;
};
/** Counts: whole numbers with thousands separators. */
export const countFmt = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '');
/** Short x-axis labels: "MM-DD" for days, "DD HH:00" for hours. */
export const timeFmt = (v: unknown) => {
  const s = String(v);
  return s.length > 10 ? `${s.slice(8, 10)} ${s.slice(11, 16)}` : s.slice(5);
};
