// Postgres text and json cannot hold U+0000. Text that is stored or searched for swaps it for U+FFFD
// (the replacement character), so a NUL in a prompt or comment is visible and never fails a write.
export function withoutNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\ufffd') : s;
}
