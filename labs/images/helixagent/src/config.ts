import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { err, ok, type Result } from './result'

/**
 * The YAML configuration file. Every object is strict so a typo (`request_per_minute`) is an
 * error naming the key path instead of a silently ignored setting: the course's runbook fixes
 * incidents by editing this file, and a typo there must not look like a fix.
 */
const logLevelSchema = z.enum(['debug', 'info', 'warn', 'error'])

const providerSchema = z.strictObject({
  name: z.string().min(1),
  models: z.array(z.string().min(1)).min(1),
  api_key: z.string().default(''),
  rate_limit: z
    .strictObject({ requests_per_minute: z.number().int().positive() })
    .default({ requests_per_minute: 60 }),
  enabled: z.boolean().default(true),
  fallback: z.string().min(1).nullable().default(null),
})

const providerIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'provider ids are lowercase letters, digits, "-" or "_"')

export const configFileSchema = z
  .strictObject({
    server: z
      .strictObject({
        port: z.number().int().min(1).max(65535).default(8080),
        host: z.string().min(1).default('0.0.0.0'),
      })
      .default({ port: 8080, host: '0.0.0.0' }),
    database: z
      .strictObject({
        host: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).optional(),
        user: z.string().min(1).optional(),
        password: z.string().optional(),
        name: z.string().min(1).optional(),
        replica_host: z.string().min(1).optional(),
        replica_port: z.number().int().min(1).max(65535).optional(),
        pool_size: z.number().int().min(1).max(200).default(10),
      })
      .default({ pool_size: 10 }),
    redis: z
      .strictObject({
        host: z.string().min(1).optional(),
        port: z.number().int().min(1).max(65535).optional(),
        nodes: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).optional(),
        password: z.string().optional(),
        cache_ttl_seconds: z.number().int().positive().default(300),
      })
      .default({ cache_ttl_seconds: 300 }),
    providers: z.record(providerIdSchema, providerSchema),
    debate: z
      .strictObject({
        rounds: z.number().int().min(1).max(10).default(3),
        participants: z.number().int().min(1).max(10).default(5),
      })
      .default({ rounds: 3, participants: 5 }),
    verification: z
      .strictObject({
        interval_seconds: z.number().positive().default(15),
        threshold: z.number().min(0).max(10).default(7),
      })
      .default({ interval_seconds: 15, threshold: 7 }),
    tracing: z
      .strictObject({
        otlp_endpoint: z.url().nullable().default(null),
        sampling_ratio: z.number().min(0).max(1).default(0.1),
        service_name: z.string().min(1).default('helixagent'),
      })
      .default({ otlp_endpoint: null, sampling_ratio: 0.1, service_name: 'helixagent' }),
    logging: z
      .strictObject({
        level: logLevelSchema.default('info'),
        // Only under /var/log/helixagent/, where the course's Fluentd tails `*.log`.
        file: z
          .string()
          .regex(
            /^\/var\/log\/helixagent\/[^/]+\.log$/,
            'must be a .log file directly under /var/log/helixagent/',
          )
          .optional(),
      })
      .default({ level: 'info' }),
  })
  .superRefine((config, ctx) => {
    for (const [id, provider] of Object.entries(config.providers)) {
      if (provider.fallback === null) continue
      if (provider.fallback === id) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', id, 'fallback'],
          message: 'a provider cannot fall back to itself',
        })
      } else if (!(provider.fallback in config.providers)) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', id, 'fallback'],
          message: `unknown provider "${provider.fallback}" (known: ${Object.keys(config.providers).join(', ')})`,
        })
      }
    }
  })

export type HelixConfig = z.infer<typeof configFileSchema>
export type ProviderConfig = HelixConfig['providers'][string]
export type LogLevel = z.infer<typeof logLevelSchema>

/** "providers.claude.rate_limit.requests_per_minute: expected number, received string" */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)'
      if (issue.code === 'unrecognized_keys') {
        const prefix = issue.path.length > 0 ? `${path}.` : ''
        return issue.keys.map((key) => `${prefix}${key}: unknown key`).join('; ')
      }
      return `${path}: ${issue.message}`
    })
    .join('; ')
}

export function parseConfigText(text: string, source: string): Result<HelixConfig> {
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (cause) {
    return err(`${source}: not valid YAML: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
  const parsed = configFileSchema.safeParse(raw ?? {})
  if (!parsed.success) return err(`${source}: ${formatZodError(parsed.error)}`)
  return ok(parsed.data)
}

export function loadConfigFile(path: string): Result<HelixConfig> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error'
    return err(`${path}: cannot read the config file (${code}); pass --config or set HELIXAGENT_CONFIG`)
  }
  return parseConfigText(text, path)
}
