import { hostname } from 'node:os'
import { z } from 'zod'
import { formatZodError } from './config'
import { err, ok, type Result } from './result'

/**
 * Environment variables, read once at start-up. They override the database/redis parts of
 * the YAML file, as in the course's Compose files (`DB_HOST`, `REDIS_HOST`, ...).
 */
const port = z.coerce.number().int().min(1).max(65535)
// 0 asks the kernel for a free port (tests, several instances on one host).
const listenPort = z.coerce.number().int().min(0).max(65535)
const optionalText = z.string().min(1).optional()

const envSchema = z.object({
  HELIXAGENT_CONFIG: z.string().min(1).default('/etc/helixagent/config.yaml'),
  DB_HOST: optionalText,
  DB_PORT: port.optional(),
  DB_USER: optionalText,
  DB_PASSWORD: z.string().optional(),
  DB_NAME: optionalText,
  DB_REPLICA_HOST: optionalText,
  DB_REPLICA_PORT: port.optional(),
  REDIS_NODES: optionalText,
  REDIS_HOST: optionalText,
  REDIS_PORT: port.optional(),
  REDIS_PASSWORD: z.string().optional(),
  // Go runtime knobs from the course (video 2.2 / 7.1): accepted and reported; the image's
  // wrapper also turns GOMEMLIMIT into Node's --max-old-space-size.
  GOMEMLIMIT: optionalText,
  GOGC: optionalText,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  INSTANCE_ID: optionalText,
  HELIXAGENT_SEED: z.string().default(''),
  // Where a seed set through the control port is kept, so a restarted process keeps it.
  HELIXAGENT_SEED_FILE: optionalText,
  HELIXAGENT_CONTROL_PORT: listenPort.default(9901),
  HELIXAGENT_CONTROL_TOKEN: optionalText,
  HELIXAGENT_PORT: listenPort.optional(),
})

export interface HelixEnv {
  configPath: string
  database: {
    host?: string
    port?: number
    user?: string
    password?: string
    name?: string
    replicaHost?: string
    replicaPort?: number
  }
  redis: { nodes?: string[]; host?: string; port?: number; password?: string }
  runtime: { gomemlimit: string | null; gogc: string | null; gomemlimitBytes: number | null }
  logLevel?: 'debug' | 'info' | 'warn' | 'error'
  instanceId: string
  seed: string
  seedFile: string | null
  control: { port: number; token: string | null }
  portOverride?: number
}

const memoryUnits: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
}

/** Go's GOMEMLIMIT syntax: a byte count with an optional B/KiB/MiB/GiB/TiB suffix. */
export function parseGoMemLimit(value: string): number | null {
  const match = /^(\d+)(B|KiB|MiB|GiB|TiB)?$/.exec(value.trim())
  if (!match?.[1]) return null
  return Number(match[1]) * (memoryUnits[match[2] ?? 'B'] ?? 1)
}

export function readEnv(
  source: Record<string, string | undefined>,
  overrides: { configPath?: string } = {},
): Result<HelixEnv> {
  // Empty variables (`DB_HOST=`) mean "unset", as Compose writes them.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) return err(`environment: ${formatZodError(parsed.error)}`)
  const env = parsed.data
  const gomemlimitBytes = env.GOMEMLIMIT === undefined ? null : parseGoMemLimit(env.GOMEMLIMIT)
  if (env.GOMEMLIMIT !== undefined && gomemlimitBytes === null) {
    return err(
      `environment: GOMEMLIMIT: expected bytes with an optional B/KiB/MiB/GiB/TiB suffix, e.g. 1800MiB (got "${env.GOMEMLIMIT}")`,
    )
  }
  if (env.GOGC !== undefined && env.GOGC !== 'off' && !/^\d+$/.test(env.GOGC)) {
    return err(`environment: GOGC: expected a percentage or "off" (got "${env.GOGC}")`)
  }
  const nodes = env.REDIS_NODES?.split(',')
    .map((node) => node.trim())
    .filter(Boolean)
  if (nodes?.some((node) => !/^[^:\s]+:\d+$/.test(node))) {
    return err(
      `environment: REDIS_NODES: expected a comma-separated list of host:port (got "${env.REDIS_NODES}")`,
    )
  }
  return ok({
    configPath: overrides.configPath ?? env.HELIXAGENT_CONFIG,
    database: {
      host: env.DB_HOST,
      port: env.DB_PORT,
      user: env.DB_USER,
      password: env.DB_PASSWORD,
      name: env.DB_NAME,
      replicaHost: env.DB_REPLICA_HOST,
      replicaPort: env.DB_REPLICA_PORT,
    },
    redis: { nodes, host: env.REDIS_HOST, port: env.REDIS_PORT, password: env.REDIS_PASSWORD },
    runtime: { gomemlimit: env.GOMEMLIMIT ?? null, gogc: env.GOGC ?? null, gomemlimitBytes },
    logLevel: env.LOG_LEVEL,
    instanceId: env.INSTANCE_ID ?? hostname(),
    seed: env.HELIXAGENT_SEED,
    seedFile: env.HELIXAGENT_SEED_FILE ?? null,
    control: { port: env.HELIXAGENT_CONTROL_PORT, token: env.HELIXAGENT_CONTROL_TOKEN ?? null },
    portOverride: env.HELIXAGENT_PORT,
  })
}
