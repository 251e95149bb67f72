// The `cascade` command line: `npm run cascade -- <command> [options]`.
// Each command is a module in scripts/commands/<name>.ts exporting `description` and `run(argv)`;
// adding a file adds a command, so no central list has to be edited.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Command {
  description: string;
  run(argv: string[]): Promise<number | void>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

async function main(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  if (!name || name === 'help' || name === '--help') {
    const lines = await Promise.all(
      names.map(async (n) => {
        const mod = (await import(pathToFileURL(join(dir, `${n}.ts`)).href)) as Command;
        return `  ${n.padEnd(18)} ${mod.description}`;
      }),
    );
    process.stdout.write(`usage: npm run cascade -- <command> [options]\n\ncommands:\n${lines.join('\n')}\n`);
    return name ? 0 : 1;
  }
  if (!names.includes(name)) {
    process.stderr.write(`cascade: unknown command "${name}". Run \`npm run cascade -- help\`.\n`);
    return 2;
  }
  const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as Command;
  return (await mod.run(argv)) ?? 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cascade: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
