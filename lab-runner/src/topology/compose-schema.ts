// The subset of the Compose spec that lab topologies may use. Anything else is rejected with
// its path, so a lab author learns at validation time (not at provisioning time) that a key
// would have been ignored. See docs/decisions for why this is a subset.
import { z } from 'zod'
import { JUSTIFIED_CAPABILITIES } from '../../../contracts/lab-definition'

/**
 * Capabilities a service may add back after `CapDrop: ALL`. Nothing that escapes the container,
 * and nothing that acts on the sandbox network: NET_RAW and NET_ADMIN are allowed only when the
 * lab definition justifies them (JUSTIFIED_CAPABILITIES, checked in parse-topology.ts).
 */
export const ALLOWED_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'AUDIT_WRITE',
  'SYS_CHROOT',
] as const

/** Keys a Compose author might reasonably write, with the reason we refuse them. */
export const UNSUPPORTED_SERVICE_KEYS: Record<string, string> = {
  ports: 'sandboxes publish no ports; the runner reaches containers on the sandbox network',
  networks: 'each sandbox has exactly one network, created by the runner',
  network_mode: 'each sandbox has exactly one network, created by the runner',
  privileged: 'privileged containers are not allowed in sandboxes',
  cap_add: 'use x-academy.capAdd (an allow-listed subset) instead',
  cap_drop: 'every container already drops all capabilities',
  build: 'images are built ahead of time (labs/images); name the image instead',
  container_name: 'container names are chosen by the runner (one per sandbox)',
  devices: 'devices are not allowed in sandboxes',
  security_opt: 'security options are set by the runner',
  extra_hosts: 'service names resolve through the sandbox network',
}

const durationPattern = /^(?:\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))+$/
const duration = z.string().regex(durationPattern, 'must be a duration like "5s", "1m30s" or "500ms"')

const stringOrList = z.union([z.string().min(1), z.array(z.string())])
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()])

const environment = z.union([z.array(z.string()), z.record(z.string(), scalar)])

const byteSize = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(?:\.\d+)?\s*[bkmg]?b?$/i, 'must be a size like "256m", "1g" or a number of bytes'),
])
const cpus = z.union([z.number().positive(), z.string().regex(/^\d+(?:\.\d+)?$/, 'must be a number of CPUs')])

const dependsOnCondition = z.enum(['service_started', 'service_healthy', 'service_completed_successfully'])
const dependsOn = z.union([
  z.array(z.string()),
  z.record(
    z.string(),
    z.strictObject({
      condition: dependsOnCondition.default('service_started'),
      restart: z.boolean().optional(),
    }),
  ),
])

const healthcheck = z.strictObject({
  test: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  interval: duration.optional(),
  timeout: duration.optional(),
  retries: z.number().int().positive().optional(),
  start_period: duration.optional(),
  disable: z.boolean().optional(),
})

const volumeLong = z.strictObject({
  type: z.enum(['volume', 'bind']),
  source: z.string().min(1),
  target: z.string().regex(/^\//, 'must be an absolute path'),
  read_only: z.boolean().optional(),
})

export const DEFAULT_TMPFS_SIZE = '64m'
const tmpfsEntry = z
  .string()
  .regex(
    /^\/[^:\s]*(?::size=\d+[kmg]?)?$/i,
    'must be an absolute path, optionally with a size: "/run" or "/run:size=16m"',
  )

const serviceXAcademy = z.strictObject({
  capAdd: z.array(z.enum([...ALLOWED_CAPABILITIES, ...JUSTIFIED_CAPABILITIES])).default([]),
  /**
   * A command that hands a claimed warm-pool sandbox's seed (ACADEMY_SEED, set on the exec) to
   * the running service, so the claim does not recreate it (decision 028).
   */
  reseed: z.array(z.string().min(1)).min(1).optional(),
})

// Listed once so the refinement above can tell supported keys from unknown ones.
const SUPPORTED_SERVICE_KEYS: Record<string, true> = {
  image: true,
  command: true,
  entrypoint: true,
  environment: true,
  volumes: true,
  depends_on: true,
  healthcheck: true,
  mem_limit: true,
  cpus: true,
  pids_limit: true,
  deploy: true,
  user: true,
  hostname: true,
  working_dir: true,
  restart: true,
  tmpfs: true,
  'x-academy': true,
}

export const composeServiceSchema = z
  .object({
    image: z.string().min(1),
    command: stringOrList.optional(),
    entrypoint: stringOrList.optional(),
    environment: environment.optional(),
    volumes: z.array(z.union([z.string().min(1), volumeLong])).optional(),
    depends_on: dependsOn.optional(),
    healthcheck: healthcheck.optional(),
    mem_limit: byteSize.optional(),
    cpus: cpus.optional(),
    pids_limit: z.number().int().positive().optional(),
    deploy: z
      .strictObject({
        resources: z
          .strictObject({
            limits: z
              .strictObject({
                memory: byteSize.optional(),
                cpus: cpus.optional(),
                pids: z.number().int().positive().optional(),
              })
              .optional(),
          })
          .optional(),
      })
      .optional(),
    user: z.string().min(1).optional(),
    hostname: z.string().min(1).optional(),
    working_dir: z.string().regex(/^\//, 'must be an absolute path').optional(),
    restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
    /** Scratch space in memory (counts against the memory limit, not the disk): `/run` or `/run:size=16m`. */
    tmpfs: z.union([tmpfsEntry, z.array(tmpfsEntry)]).optional(),
    'x-academy': serviceXAcademy.optional(),
  })
  .catchall(z.unknown())
  .superRefine((service, ctx) => {
    for (const key of Object.keys(service)) {
      if (key in SUPPORTED_SERVICE_KEYS) continue
      const reason = UNSUPPORTED_SERVICE_KEYS[key]
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: reason
          ? `"${key}" is not supported: ${reason}`
          : `unknown key "${key}" (not in the supported Compose subset)`,
      })
    }
  })

export const composeFileSchema = z.strictObject({
  /** Accepted for compatibility with existing Compose files; ignored. */
  version: z.string().optional(),
  name: z.string().optional(),
  services: z.record(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'service names must be lowercase letters, digits, "_", ".", "-"'),
    composeServiceSchema,
  ),
  volumes: z.record(z.string(), z.union([z.strictObject({}), z.null()])).optional(),
  'x-academy': z
    .strictObject({
      /** Extra per-sandbox random secrets, available as ${NAME} in this file. */
      secrets: z
        .array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an UPPER_SNAKE variable name'))
        .default([]),
    })
    .optional(),
})

export type ComposeFile = z.infer<typeof composeFileSchema>
export type ComposeService = z.infer<typeof composeServiceSchema>
