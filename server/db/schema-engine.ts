// Loads Prisma's schema engine compiled to WebAssembly and drives it through the pg driver adapter.
// Why: every `prisma migrate`/`db` CLI command downloads a native schema-engine binary first, which
// fails offline. The wasm engine ships in node_modules and needs no download. Node 20 cannot import
// a .wasm ES module, so the module is instantiated by hand, the way its generated glue expects.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiffParams, DiffResult, SchemaEngine } from '@prisma/schema-engine-wasm';

type Glue = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: typeof SchemaEngine;
};

let gluePromise: Promise<Glue> | undefined;

async function loadGlue(): Promise<Glue> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Glue;
  const bytes = await readFile(join(pkgDir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

// The engine's catalog queries return Postgres' internal one-byte "char" type (OID 18), which
// @prisma/adapter-pg 7.10 rejects as an unsupported native type. The values are plain strings, so
// the connections the engine uses report them as text (OID 25).
type Fields = { dataTypeID: number }[];
function charAsText<T>(result: T): T {
  for (const f of ((result as { fields?: Fields } | undefined)?.fields ?? [])) if (f.dataTypeID === 18) f.dataTypeID = 25;
  return result;
}
class CharAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: unknown) => last(err, err ? res : charAsText(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return out instanceof Promise ? out.then(charAsText) : out;
  }
}
function engineAdapter(url: string, schema?: string): PrismaPg {
  // adapter-pg bundles its own (newer) @types/pg; the runtime Pool is the same module.
  const pool = new pg.Pool({ connectionString: url, Client: CharAsTextClient, max: 2 });
  return new PrismaPg(pool as unknown as ConstructorParameters<typeof PrismaPg>[0], schema ? { schema } : undefined);
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** A schema engine connected to `url` (shadow database, when one is needed, is `shadowUrl`). */
export async function openSchemaEngine(
  url: string,
  schema: { path: string; content: string },
  opts: { shadowUrl?: string; dbSchema?: string } = {},
): Promise<EngineHandle> {
  const { shadowUrl, dbSchema } = opts;
  gluePromise ??= loadGlue();
  const glue = await gluePromise;
  const factory = engineAdapter(url, dbSchema);
  const adapter = bindMigrationAwareSqlAdapterFactory({
    ...factory,
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: async () => {
      if (!shadowUrl) throw new Error('this operation needs a shadow database (pass --shadow-url)');
      return engineAdapter(shadowUrl).connect();
    },
  });
  const logs: string[] = [];
  const engine = await glue.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, (l: string) => logs.push(l), adapter);
  return {
    engine,
    close: async () => {
      engine.free();
    },
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };

export async function diff(handle: EngineHandle, params: Omit<DiffParams, 'filters' | 'exitCode'>): Promise<DiffResult> {
  return handle.engine.diff({ ...params, exitCode: true, filters: noFilters });
}

export const SCHEMA_PATH = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'prisma', 'schema.prisma');

/**
 * SQL that would bring the database at `url` (Postgres schema `dbSchema`, default public) to
 * prisma/schema.prisma; '' when they agree. Partitions of partitioned tables are ignored by the
 * engine, so the hand-made partitioning of the migrations does not show up as a difference.
 */
export async function diffDatabaseToSchema(url: string, opts: { dbSchema?: string; schemaPath?: string } = {}): Promise<string> {
  const path = opts.schemaPath ?? SCHEMA_PATH;
  const content = await readFile(path, 'utf8');
  const files = [{ path: 'schema.prisma', content }];
  const handle = await openSchemaEngine(url, { path: 'schema.prisma', content }, { dbSchema: opts.dbSchema });
  try {
    const res = await diff(handle, { from: { tag: 'schemaDatasource', files, configDir: dirname(path) }, to: { tag: 'schemaDatamodel', files }, script: true });
    return res.exitCode === 0 ? '' : (res.stdout ?? '');
  } finally {
    await handle.close();
  }
}
