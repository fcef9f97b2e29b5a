// `prisma generate` without Prisma's download server: generate only needs the schema engine
// binary's path to exist, it never runs it (docs/decisions/003-migrations-without-prisma-binaries.md).
import { spawnSync } from 'node:child_process'

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
}
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env })
process.exit(result.status ?? 1)
