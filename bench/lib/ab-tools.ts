// CPU per request of Cascade for plain-text and tool-calling requests, alternating in one process:
// `node --import tsx bench/lib/ab-tools.ts [rate=300] [seconds=8] [rounds=2]` with TEST_DATABASE_URL.
import { benchDatabase } from './database';
import { runPaced, warmUp, type LoadTarget } from './load';
import { startTsChild } from './processes';
import { templatedPrompt } from './queries';

const [rate, seconds, rounds] = [Number(process.argv[2] ?? 300), Number(process.argv[3] ?? 8), Number(process.argv[4] ?? 2)];
const TOOL = { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'], additionalProperties: false } } };
const db = await benchDatabase();
const up = await startTsChild('fake-upstream.ts', ['20']);
const cascade = await startTsChild('cascade-server.ts', [`${String(up.info.url)}/v1`, ...(db.url ? [db.url] : [])]);
try {
  const target = (label: string, tools: boolean): LoadTarget => ({
    label, url: String(cascade.info.url), path: '/api/v1/chat/completions', headers: { authorization: `Bearer ${String(cascade.info.key)}` }, pid: cascade.child.pid,
    body: (i: number) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: templatedPrompt(i) }], ...(tools ? { tools: [TOOL] } : {}) }),
  });
  const plain = target('plain', false);
  const tools = target('tools', true);
  await warmUp(plain, 100);
  await warmUp(tools, 100);
  for (let r = 0; r < rounds; r++) {
    for (const t of [plain, tools]) {
      const res = await runPaced(t, { rate, seconds, connections: 32 });
      console.log(JSON.stringify({ round: r, target: t.label, cpuMsPerRequest: res.cpuMsPerRequest, p50: res.p50, failed: res.failed }));
    }
  }
} finally {
  await cascade.stop();
  await up.stop();
  await db.drop();
}
