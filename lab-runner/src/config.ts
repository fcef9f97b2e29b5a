// Runner configuration, read from the environment once at start-up and validated.
// The process refuses to start with a message listing every bad variable.
import path from 'node:path'
import { z } from 'zod'
import { describeZodIssues } from '../../contracts/lab-definition'

const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )

const envSchema = z.object({
  RUNNER_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  RUNNER_HOST: z.string().min(1).default('127.0.0.1'),
  RUNNER_SERVICE_TOKEN: z
    .string({
      error: 'is required: the web app authenticates with it (generate one with `openssl rand -hex 32`)',
    })
    .min(32, 'must be at least 32 characters'),
  /** Origins allowed to open terminal WebSockets (the web app's public URL). */
  RUNNER_PUBLIC_ORIGINS: commaList,
  RUNNER_MAX_SANDBOXES: z.coerce.number().int().positive().default(10),
  /** Sandboxes starting at the same time; the rest wait their turn (starting is CPU-bound). */
  RUNNER_MAX_STARTING: z.coerce.number().int().positive().default(2),
  /** Distinguishes runners (or test runs) sharing one Docker engine. */
  RUNNER_INSTANCE: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]+$/)
    .default('default'),
  DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
  LABS_DIR: z.string().min(1).default('labs'),
  /**
   * A second listener for /metrics only, without the token (for a Prometheus on a private
   * network). Unset: /metrics is served on RUNNER_PORT and needs the service token.
   */
  RUNNER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RUNNER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Disk budget per sandbox (writable layers, volumes, logs) in MiB: warned at 80 %, stopped at 100 %. */
  RUNNER_SANDBOX_DISK_MB: z.coerce.number().int().min(16).default(2048),
  /** Warm pool size per lab, `slug=n,slug=n` (admins change them in the web app). */
  RUNNER_POOL_SIZES: z
    .string()
    .default('')
    .refine((v) => v.trim() === '' || /^\s*[a-z0-9-]+=\d{1,3}\s*(,\s*[a-z0-9-]+=\d{1,3}\s*)*$/.test(v), {
      message: 'must be a comma-separated list of lab-slug=size, e.g. "ha-setup=2,dr-test=1"',
    })
    .transform((v) =>
      Object.fromEntries(
        v
          .split(',')
          .map((pair) => pair.trim())
          .filter(Boolean)
          .map((pair) => {
            const [slug, size] = pair.split('=')
            return [slug?.trim() ?? '', Number(size)]
          }),
      ),
    ),
  /** Memory (sum of the services' limits) all unclaimed warm sandboxes together may hold, in MiB. */
  RUNNER_POOL_MEMORY_MB: z.coerce.number().int().min(0).default(4096),
  /** An unclaimed warm sandbox older than this is replaced by a fresh one. */
  RUNNER_POOL_MAX_AGE_MINUTES: z.coerce.number().int().positive().default(120),
  /**
   * Development only: start sandboxes even when the host firewall cannot be installed (no
   * root, no iptables). Sandboxes can then reach services listening on the host.
   */
  RUNNER_UNSAFE_NO_FIREWALL: z
    .enum(['0', '1', 'true', 'false'], { error: 'must be 1/true or 0/false' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
})

export interface RunnerConfig {
  port: number
  host: string
  serviceToken: string
  publicOrigins: string[]
  maxSandboxes: number
  maxStarting: number
  instance: string
  dockerSocket: string
  labsDir: string
  /** Set: /metrics gets its own token-less listener there. */
  metrics?: { host: string; port: number }
  sandboxDiskBytes: number
  unsafeNoFirewall: boolean
  pools: { sizes: Record<string, number>; memoryBudgetBytes: number; maxAgeMs: number }
}

export type ConfigResult = { ok: true; config: RunnerConfig } | { ok: false; problems: string[] }

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    return {
      ok: false,
      problems: describeZodIssues(parsed.error.issues).map((i) => `${i.path}: ${i.message}`),
    }
  }
  const e = parsed.data
  return {
    ok: true,
    config: {
      port: e.RUNNER_PORT,
      host: e.RUNNER_HOST,
      serviceToken: e.RUNNER_SERVICE_TOKEN,
      publicOrigins: e.RUNNER_PUBLIC_ORIGINS,
      maxSandboxes: e.RUNNER_MAX_SANDBOXES,
      maxStarting: e.RUNNER_MAX_STARTING,
      instance: e.RUNNER_INSTANCE,
      dockerSocket: e.DOCKER_SOCKET,
      labsDir: path.resolve(e.LABS_DIR),
      ...(e.RUNNER_METRICS_PORT === undefined
        ? {}
        : { metrics: { host: e.RUNNER_METRICS_HOST, port: e.RUNNER_METRICS_PORT } }),
      sandboxDiskBytes: e.RUNNER_SANDBOX_DISK_MB * 1024 * 1024,
      unsafeNoFirewall: e.RUNNER_UNSAFE_NO_FIREWALL,
      pools: {
        sizes: e.RUNNER_POOL_SIZES,
        memoryBudgetBytes: e.RUNNER_POOL_MEMORY_MB * 1024 * 1024,
        maxAgeMs: e.RUNNER_POOL_MAX_AGE_MINUTES * 60_000,
      },
    },
  }
}
