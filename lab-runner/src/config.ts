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
  /** Live sandboxes per machine that runs them: the one engine, or each usable Swarm node. */
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
  /** Where sandboxes run: `docker` (one engine, DOCKER_SOCKET) or `swarm` (docs/swarm-cluster.md). */
  RUNNER_ENGINE: z.enum(['docker', 'swarm'], { error: 'must be docker or swarm' }).default('docker'),
  /** Swarm: a manager's Engine API, as the docker CLI reads it; unset: DOCKER_SOCKET (a runner on a manager). */
  DOCKER_HOST: z
    .string()
    .regex(/^(tcp|unix):\/\/\S+$/, 'must look like tcp://host:2376 or unix:///var/run/docker.sock')
    .optional(),
  DOCKER_TLS_VERIFY: z.string().optional(),
  DOCKER_CERT_PATH: z.string().min(1).optional(),
  /** Swarm: the registry `npm run images -- --push <registry>` pushed to; nodes pull from it. */
  RUNNER_SWARM_REGISTRY: z.string().min(1).optional(),
  /** Swarm: the port of each node's Engine API at the node's Swarm address. */
  RUNNER_SWARM_ENGINE_PORT: z.coerce.number().int().min(1).max(65535).default(2376),
  /** Swarm: `hostname=tcp://host:port,…` for nodes whose engine is elsewhere. */
  RUNNER_SWARM_NODE_ENGINES: z
    .string()
    .default('')
    .refine(
      (v) => v.trim() === '' || /^\s*[^=,\s]+=tcp:\/\/[^,\s]+\s*(,\s*[^=,\s]+=tcp:\/\/[^,\s]+\s*)*$/.test(v),
      {
        message: 'must be a comma-separated list of hostname=tcp://host:port',
      },
    ),
  /** Swarm: placement constraints for every sandbox service. */
  RUNNER_SWARM_CONSTRAINTS: z.string().default('node.labels.academy.sandboxes==true'),
  RUNNER_UNSAFE_NO_FIREWALL: z
    .enum(['0', '1', 'true', 'false'], { error: 'must be 1/true or 0/false' })
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
})

export type EngineConfig =
  | { kind: 'docker' }
  | {
      kind: 'swarm'
      /** The manager's Engine API; unset: DOCKER_SOCKET. */
      managerUrl?: string
      /** TLS material for the manager and every node (DOCKER_CERT_PATH), when DOCKER_TLS_VERIFY is set. */
      certPath?: string
      registry: string
      enginePort: number
      nodeEngines: Record<string, string>
      constraints: string[]
    }

export interface RunnerConfig {
  engine: EngineConfig
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
  const tls = e.DOCKER_TLS_VERIFY !== undefined && e.DOCKER_TLS_VERIFY !== '' && e.DOCKER_TLS_VERIFY !== '0'
  if (e.RUNNER_ENGINE === 'swarm' && !e.RUNNER_SWARM_REGISTRY)
    return {
      ok: false,
      problems: [
        'RUNNER_SWARM_REGISTRY: is required with RUNNER_ENGINE=swarm: the registry the nodes pull the lab images from (push them with `npm run images -- --push <registry>`)',
      ],
    }
  if (e.RUNNER_ENGINE === 'swarm' && tls && !e.DOCKER_CERT_PATH)
    return {
      ok: false,
      problems: [
        'DOCKER_CERT_PATH: is required when DOCKER_TLS_VERIFY is set (a folder with ca.pem, cert.pem, key.pem)',
      ],
    }
  const engine: EngineConfig =
    e.RUNNER_ENGINE === 'docker'
      ? { kind: 'docker' }
      : {
          kind: 'swarm',
          ...(e.DOCKER_HOST ? { managerUrl: e.DOCKER_HOST } : {}),
          ...(tls ? { certPath: e.DOCKER_CERT_PATH } : {}),
          registry: e.RUNNER_SWARM_REGISTRY as string,
          enginePort: e.RUNNER_SWARM_ENGINE_PORT,
          nodeEngines: Object.fromEntries(
            e.RUNNER_SWARM_NODE_ENGINES.split(',')
              .map((pair) => pair.trim())
              .filter(Boolean)
              .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
          ),
          constraints: e.RUNNER_SWARM_CONSTRAINTS.split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
  return {
    ok: true,
    config: {
      engine,
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
