/** Rows to per-column parameter arrays, for INSERT ... SELECT FROM unnest($1::type[], ...). */
export function columns<T>(rows: readonly T[], pick: (r: T) => unknown[]): unknown[][] {
  const width = rows.length === 0 ? 0 : pick(rows[0]).length;
  const cols: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  rows.forEach((r, i) => pick(r).forEach((v, c) => (cols[c][i] = v)));
  return cols;
}
