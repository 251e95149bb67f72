// Minimal `--name value` / `--name=value` flag parsing for the complexity commands (scripts/commands).
export function parseFlags<T extends Record<string, string>>(argv: string[], defaults: T): T {
  const out: Record<string, string> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument "${argv[i]}"`);
    if (!(m[1] in defaults)) throw new Error(`unknown option --${m[1]} (known: ${Object.keys(defaults).map((k) => `--${k}`).join(', ')})`);
    // A flag without a value (`--signals`, or followed by another flag) is a switch: 'true'.
    const next = argv[i + 1];
    out[m[1]] = m[2] ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : 'true');
  }
  return out as T;
}
