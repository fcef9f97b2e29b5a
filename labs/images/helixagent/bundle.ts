/**
 * Bundles the HelixAgent stand-in into two self-contained ES modules for the image:
 *   dist/helixagent.mjs      the service (`helixagent serve`)
 *   dist/helixagent-cli.mjs  the CLI (`helixagent verify|version`)
 * Target node18: the image runs Debian bookworm's nodejs package.
 * Run from the repository root: `npx tsx labs/images/helixagent/bundle.ts`.
 */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { build, type BuildOptions } from 'esbuild'

const here = import.meta.dirname
const dist = path.join(here, 'dist')
rmSync(dist, { recursive: true, force: true })

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (pg, ioredis) call require(); give the ES module one.
  banner: {
    js: "import { createRequire as __helixCreateRequire } from 'node:module'; const require = __helixCreateRequire(import.meta.url);",
  },
  // pg only loads its native binding when asked to; we never ask.
  external: ['pg-native'],
}

await build({
  ...common,
  entryPoints: [path.join(here, 'src/main.ts')],
  outfile: path.join(dist, 'helixagent.mjs'),
})
await build({
  ...common,
  entryPoints: [path.join(here, 'src/cli.ts')],
  outfile: path.join(dist, 'helixagent-cli.mjs'),
})
process.stdout.write(`bundled into ${path.relative(process.cwd(), dist)}/\n`)
