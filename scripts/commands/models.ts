// `npm run cascade -- models <list | register | promote | rollback | shadow> [options]`
// The model registry: register the answer-quality artifact (with its held-out metrics and data
// window), promote a version (every server swaps it in at once when they share Redis, else within
// ~10 s; no restart), roll back to the version promoted before, or run a version in shadow beside
// the active one.
import '../../server/runtime/preload-native';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { announceChange } from '../../server/coord';
import { connectDatabase } from '../../server/db/client';
import { env } from '../../server/env';
import { DEFAULT_QUALITY_MODEL, type QualityMeta } from '../../server/judging/artifact';
import { FEATURE_NAMES } from '../../server/judging/features';
import { COMPLEXITY_MODEL_KIND } from '../../server/judging/retrain-run';
import { ANSWER_MODEL_KIND } from '../../server/judging/watcher';
import { isDomainError } from '../../server/lib/errors';
import { modelRegistry } from '../../server/repos/models';
import { cliDatabaseUrl } from '../../server/runtime/process-file';

export const description = 'model registry: list, register, promote, rollback, shadow (answer-quality or complexity model)';

const KINDS = [ANSWER_MODEL_KIND, COMPLEXITY_MODEL_KIND];
const USAGE = `every action takes --kind answer-quality (default) | complexity
usage: npm run cascade -- models list
       npm run cascade -- models register [--model models/answer-quality.onnx] [--data-window TEXT]
       npm run cascade -- models promote --version V
       npm run cascade -- models rollback
       npm run cascade -- models shadow (--version V | --off)`;

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  let o;
  try {
    o = parseArgs({ args: rest, options: { version: { type: 'string' }, model: { type: 'string', default: DEFAULT_QUALITY_MODEL }, 'data-window': { type: 'string' }, off: { type: 'boolean', default: false }, kind: { type: 'string', default: ANSWER_MODEL_KIND } }, strict: true }).values;
  } catch (e) {
    process.stderr.write(`models: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!['list', 'register', 'promote', 'rollback', 'shadow'].includes(action ?? '')) {
    process.stderr.write(`models: unknown action "${action ?? ''}"\n${USAGE}\n`);
    return 2;
  }
  if (!KINDS.includes(o.kind)) {
    process.stderr.write(`models: --kind must be one of ${KINDS.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  if (action === 'register' && o.kind !== ANSWER_MODEL_KIND) {
    process.stderr.write('models: register reads the answer-quality artifact; complexity candidates are registered by `npm run cascade -- retrain --model complexity`\n');
    return 2;
  }
  if ((action === 'promote' || (action === 'shadow' && !o.off)) && !o.version) {
    process.stderr.write(`models: ${action} needs --version\n${USAGE}\n`);
    return 2;
  }
  let artifact: { onnx: Uint8Array; meta: QualityMeta } | null = null;
  if (action === 'register') {
    try {
      const metaPath = o.model.replace(/\.onnx$/, '') + '.meta.json';
      artifact = { onnx: new Uint8Array(readFileSync(o.model)), meta: JSON.parse(readFileSync(metaPath, 'utf8')) as QualityMeta };
    } catch (e) {
      process.stderr.write(`models: cannot read ${o.model} and its .meta.json: ${(e as Error).message}\n`);
      return 2;
    }
    if (artifact.meta.features?.join() !== FEATURE_NAMES.join()) {
      process.stderr.write('models: this artifact was trained on other features than this version of Cascade computes; retrain with `npm run cascade -- train-judge`\n');
      return 2;
    }
  }
  const actor = { id: null, label: 'cli' };
  const db = await connectDatabase({ url: cliDatabaseUrl(undefined, env()) });
  try {
    const reg = modelRegistry(db.prisma);
    const kind = o.kind;
    if (action === 'list') {
      for (const v of await reg.list(kind)) {
        process.stdout.write(`${v.active ? '*' : v.shadow ? 's' : ' '} ${v.version}  registered ${v.createdAt.toISOString()}${v.promotedAt ? `  promoted ${v.promotedAt.toISOString()} by ${v.promotedById ?? 'cli'}` : ''}  data: ${v.dataWindow || '-'}\n`);
      }
      return 0;
    }
    if (action === 'register') {
      const m = artifact!.meta;
      const v = await reg.register({ kind, version: m.modelVersion, onnx: artifact!.onnx, meta: m as unknown as Record<string, unknown>, metrics: m.metrics, dataWindow: o['data-window'] ?? m.training.sources.join(', ') }, actor);
      process.stdout.write(`registered ${v.version}${v.active ? ' (active)' : ''}\n`);
      return 0;
    }
    const v = action === 'promote' ? await reg.promote(kind, o.version!, actor) : action === 'rollback' ? await reg.rollback(kind, actor) : await reg.setShadow(kind, o.off ? null : o.version!, actor);
    process.stdout.write(v ? `${action === 'shadow' ? 'shadow' : 'active'}: ${v.version}\n` : 'shadow cleared\n');
    // Running servers swap the model now (they also poll every ~10 s, which covers no Redis or a failed notice).
    await announceChange({ redisUrl: env().REDIS_URL, prefix: env().CASCADE_REDIS_PREFIX }, 'models').catch(() => undefined);
    return 0;
  } catch (e) {
    if (isDomainError(e)) {
      process.stderr.write(`models: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}
