// `npm run cascade -- serve-simulator [--port 8000] [--host 0.0.0.0] [--speed 1]`: the simulated
// small/medium/large tiers as a standalone OpenAI-compatible server (with vLLM-style /metrics), for
// docker-compose and Kubernetes demos where every replica must reach the same tier over the network.
import { parseArgs } from 'node:util';
import { LEGACY_SIMULATED_MODELS, SIMULATED_TIERS } from '../../server/repos/seed';
import { startSimulator } from '../../server/tiers/simulator';

export const description = 'serve the simulated tiers over HTTP [--port 8000] [--host 0.0.0.0] [--speed 1]';

export async function run(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; speed?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { port: { type: 'string' }, host: { type: 'string' }, speed: { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: npm run cascade -- serve-simulator [--port 8000] [--host 0.0.0.0] [--speed 1]\n`);
    return 2;
  }
  const port = Number(values.port ?? 8000);
  const speed = Number(values.speed ?? 1);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !(speed > 0)) {
    process.stderr.write('--port must be 0..65535 and --speed a positive number\n');
    return 2;
  }
  const sim = await startSimulator({
    port,
    host: values.host ?? '0.0.0.0',
    speed,
    models: Object.fromEntries([...SIMULATED_TIERS, ...LEGACY_SIMULATED_MODELS].map((t) => [t.model, { role: t.role }])),
  });
  process.stdout.write(`simulated tiers on ${sim.baseUrl} (models: ${sim.models.map((m) => m.id).join(', ')})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sim.close();
  return 0;
}
