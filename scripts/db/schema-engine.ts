// Prisma's schema engine, run as WebAssembly so migrations work on machines that cannot
// download Prisma's native engine binaries (see docs/decisions/003-migrations-without-prisma-binaries.md).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import type * as Wasm from '@prisma/schema-engine-wasm'
import type { SchemaEngine } from '@prisma/schema-engine-wasm'

const require = createRequire(import.meta.url)

export const emptyFilters = { externalTables: [], externalEnums: [] }

let bindings: Promise<typeof Wasm> | undefined

// The package's entry imports the .wasm file as an ES module, which Node 20 cannot load,
// so the glue module is imported by path and the instance is wired up by hand.
function loadBindings(): Promise<typeof Wasm> {
  bindings ??= (async () => {
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'))
    const glue = (await import(
      pathToFileURL(path.join(pkgDir, 'schema_engine_bg.js')).href
    )) as typeof Wasm & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void
    }
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'))
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue })
    glue.__wbg_set_wasm(instance.exports)
    ;(instance.exports.__wbindgen_start as () => void)()
    return glue
  })()
  return bindings
}

export async function openSchemaEngine(opts: {
  connectionString: string
  schemaPath: string
  schemaText: string
  log?: (line: string) => void
}): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadBindings()
  const adapter = bindMigrationAwareSqlAdapterFactory(
    new PrismaPg({ connectionString: opts.connectionString }),
  )
  const log = opts.log ?? (() => {})
  return SchemaEngine.new({ datamodels: [[opts.schemaPath, opts.schemaText]] }, log, adapter)
}
