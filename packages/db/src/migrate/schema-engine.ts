import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import type * as SchemaEngineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

/**
 * Prisma's schema engine, compiled to WebAssembly, driving Postgres through the pg driver adapter.
 * The stock CLI downloads a native engine binary, which an offline machine cannot; this needs
 * nothing beyond npm packages.
 *
 * The package's entry point imports its .wasm as an ES module, which Node only allows behind
 * --experimental-wasm-modules; instantiating it here by hand makes it usable from any process
 * (tests, `npm start`) without that flag.
 */
type WasmExports = Record<string, unknown>;
type Bindings = typeof SchemaEngineGlue & { __wbg_set_wasm(exports: WasmExports): void };
// Node has WebAssembly; the ES library typings this repo compiles against do not declare it.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }> };
};

let loaded: Promise<Bindings> | undefined;

function loadBindings(): Promise<Bindings> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings;
    const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindings;
  })();
  return loaded;
}

const PG_CHAR = 18;
const PG_TEXT = 25;

/**
 * The engine's introspection reads catalog columns of Postgres' internal one-byte `"char"` type,
 * which the pg adapter does not map. They hold plain text, so the pool reports them as text.
 */
function reportCharColumnsAsText(pool: pg.Pool): pg.Pool {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const patched = (...args: unknown[]) => {
    const result = query(...args);
    if (!(result instanceof Promise)) return result;
    return result.then((res: pg.QueryResult) => {
      for (const field of res.fields ?? []) if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
      return res;
    });
  };
  pool.query = patched as pg.Pool['query'];
  return pool;
}

export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/** Opens a schema engine on `databaseUrl`, with `schema` (the Prisma schema text) as its datamodel. */
export async function openSchemaEngine(databaseUrl: string, schema: string): Promise<EngineHandle> {
  const bindings = await loadBindings();
  const pool = reportCharColumnsAsText(new pg.Pool({ connectionString: databaseUrl, max: 2 }));
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
  const engine = await bindings.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => {}, adapter);
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}
