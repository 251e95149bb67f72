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

/** The glue reports a Rust panic's message here before throwing (Prisma's CLI installs the same). */
class PanicRegistry {
  message = '';
  get(): string {
    return this.message;
  }
  set_message(m: string): void {
    this.message = `RuntimeError: ${m}`;
  }
}

async function loadGlue(): Promise<Glue> {
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  g.PRISMA_WASM_PANIC_REGISTRY ??= new PanicRegistry();
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

// The engine's catalog queries return Postgres' internal one-byte "char" type (OID 18, e.g.
// pg_constraint.contype), which @prisma/adapter-pg 7.10 rejects as an unsupported native type,
// while the engine wants it typed as a character. The pg connections report such columns as text
// with a marker on the column name; the adapter wrapper below strips the marker and types the
// column as Character for the engine.
const CHAR_MARK = '\u0001char';
const CHARACTER = 6; // ColumnTypeEnum.Character of @prisma/driver-adapter-utils
type Fields = { dataTypeID: number; name: string }[];
function markChars<T>(result: T): T {
  for (const f of (result as { fields?: Fields } | undefined)?.fields ?? []) {
    if (f.dataTypeID === 18) {
      f.dataTypeID = 25;
      f.name += CHAR_MARK;
    }
  }
  return result;
}
class CharMarkingClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: unknown) => last(err, err ? res : markChars(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    return out instanceof Promise ? out.then(markChars) : out;
  }
}
type ResultSet = { columnNames: string[]; columnTypes: number[] };
function unmark(rs: ResultSet): ResultSet {
  rs.columnNames.forEach((n, i) => {
    if (n.endsWith(CHAR_MARK)) {
      rs.columnNames[i] = n.slice(0, -CHAR_MARK.length);
      rs.columnTypes[i] = CHARACTER;
    }
  });
  return rs;
}
/** Wraps an adapter (or transaction) so queryRaw results, and those of its transactions, are unmarked. */
function unmarking<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'queryRaw') return async (q: unknown) => unmark(await (value as (q: unknown) => Promise<ResultSet>).call(obj, q));
      if (prop === 'startTransaction') return async (...a: unknown[]) => unmarking(await (value as (...a: unknown[]) => Promise<object>).apply(obj, a));
      return (value as (...a: unknown[]) => unknown).bind(obj);
    },
  });
}
function engineAdapter(url: string, schema?: string): PrismaPg {
  // adapter-pg bundles its own (newer) @types/pg; the runtime Pool is the same module.
  const pool = new pg.Pool({ connectionString: url, Client: CharMarkingClient, max: 2 });
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
    connect: async () => unmarking(await factory.connect()),
    connectToShadowDb: async () => {
      if (!shadowUrl) throw new Error('this operation needs a shadow database (pass --shadow-url)');
      return unmarking(await engineAdapter(shadowUrl).connect());
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
    try {
      const res = await diff(handle, { from: { tag: 'schemaDatasource', files, configDir: dirname(path) }, to: { tag: 'schemaDatamodel', files }, script: true });
      return res.exitCode === 0 ? '' : (res.stdout ?? '');
    } catch (err) {
      const panic = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }).PRISMA_WASM_PANIC_REGISTRY?.get();
      throw panic ? new Error(`schema engine panicked: ${panic}`, { cause: err }) : err;
    }
  } finally {
    await handle.close();
  }
}
