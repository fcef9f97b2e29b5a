// The one place that reads process.env. Each process validates its variables once at start-up
// and refuses to start with a message naming every bad variable and what it expects.
import { z } from 'zod'
import { proxyEntryProblem } from './client-address'

const port = z.coerce.number().int().min(1).max(65535)
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL like postgresql://user:pass@host:5432/db')

const serviceToken = z.string().min(32, 'must be at least 32 characters (run `openssl rand -hex 32`)')
const runnerPublicUrl = z
  .string()
  .regex(
    /^wss?:\/\/[^/\s]+\/?$/,
    "must be the runner's WebSocket origin, like wss://labs.academy.example.com",
  )

/** A comma-separated list, e.g. "10.0.0.2, 10.1.0.0/16"; unset is an empty list. */
const trustedProxies = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      const problem = proxyEntryProblem(entry)
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          message: `${problem}: list IP addresses or CIDR ranges, like 10.0.0.2,10.1.0.0/16`,
        })
      }
    }
  })

const domainList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim().toLowerCase().replace(/^@/, ''))
      .filter(Boolean),
  )
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not an e-mail domain: list domains like example.com`,
        })
      }
    }
  })

const runnerTabsUrl = z
  .string()
  .regex(
    /^https?:\/\/(\{sandbox\}\.)?[a-z0-9.-]+(:\d+)?\/?$/i,
    'must be an http(s) origin, optionally with {sandbox} as the first label, like https://{sandbox}.tabs.academy.example.com',
  )

/** Variables of the launcher (`npm run up` / scripts/start.ts). */
export const platformEnvSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url('must be an absolute URL like https://academy.example.com').optional(),
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SEED_DEMO_ACCOUNTS: z
    .enum(['auto', 'yes', 'no'], 'must be auto (only with the embedded database), yes or no')
    .default('auto'),
  // The lab-runner child process (see docs/decisions/007-lab-runner-sandboxes.md).
  RUNNER_PORT: port.default(4100),
  /** Loopback by default; set 0.0.0.0 (and RUNNER_PUBLIC_URL) when browsers on other machines open terminals. */
  RUNNER_HOST: z.string().min(1).default('127.0.0.1'),
  /** Generated once into <DATA_DIR>/runner-token when unset. */
  RUNNER_SERVICE_TOKEN: serviceToken.optional(),
  /** The runner as the browser sees it (terminal WebSockets, service tabs); derived from PUBLIC_URL when unset. */
  RUNNER_PUBLIC_URL: runnerPublicUrl.optional(),
  /** Service tabs on their own host name(s), e.g. https://{sandbox}.tabs.academy.example.com (README). */
  RUNNER_TABS_URL: runnerTabsUrl.optional(),
  /** Folder of lab definitions, for the runner and the web app alike. */
  LABS_DIR: z.string().min(1).default('labs'),
  /** Names this platform's runner on a shared Docker engine; derived from DATA_DIR when unset. */
  RUNNER_INSTANCE: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]+$/, 'must be letters, digits, ".", "_" or "-"')
    .optional(),
})
export type PlatformEnv = z.infer<typeof platformEnvSchema>

/** Variables of `npm run backup` / `npm run restore` (docs/decisions/026-postgresql-15-and-custom-format-backups.md). */
export const backupEnvSchema = platformEnvSchema.extend({
  /** Lesson recordings; default `<DATA_DIR>/media`, as for the web app. */
  MEDIA_DIR: z.string().min(1).optional(),
  /** Where `npm run backup` writes when no folder is given; default `<DATA_DIR>/backups`. */
  BACKUP_DIR: z.string().min(1).optional(),
})
export type BackupEnv = z.infer<typeof backupEnvSchema>

const webEnvObject = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl,
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (run `openssl rand -base64 32`)'),
  PUBLIC_URL: z
    .url('must be an absolute URL like https://academy.example.com')
    .default('http://localhost:3000'),
  /** The lab-runner's REST API, server to server (never sent to browsers). */
  RUNNER_URL: z.url('must be an absolute URL like http://127.0.0.1:4100').default('http://127.0.0.1:4100'),
  /** Unset: labs show "The lab engine is unavailable" instead of failing the whole app. */
  RUNNER_SERVICE_TOKEN: serviceToken.optional(),
  RUNNER_PUBLIC_URL: runnerPublicUrl.default('ws://127.0.0.1:4100'),
  /** Where service tabs open; `{sandbox}` gives each sandbox its own host. Unset: the runner's public URL. */
  RUNNER_TABS_URL: runnerTabsUrl.optional(),
  LABS_DIR: z.string().min(1).default('labs'),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Better Auth's sign-in/sign-up rate limits; `off` only for test runs that sign in many times. */
  AUTH_RATE_LIMIT: z.enum(['on', 'off'], 'must be on or off').default('on'),
  /** Lesson recordings (docs/decisions/008); default `<DATA_DIR>/media`. */
  MEDIA_DIR: z.string().min(1).optional(),
  /** Reverse proxies whose X-Forwarded-For is believed (rate limits); unset: the socket address only. */
  TRUSTED_PROXIES: trustedProxies.default([]),
  /** Sandboxes one account may have alive at once, across all labs (docs/decisions/015). */
  LIVE_LABS_PER_USER: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').default(1),
  /** Who may create an account: anyone, holders of a cohort invite link, or addresses at SIGN_UP_DOMAINS. */
  SIGN_UP_MODE: z
    .enum(['open', 'invite-only', 'domains'], 'must be open, invite-only or domains')
    .default('open'),
  /** With SIGN_UP_MODE=domains: comma-separated e-mail domains, like example.com,corp.example.com. */
  SIGN_UP_DOMAINS: domainList.default([]),
  /** `cohort-members`: only learners in an active cohort may start labs (instructors and admins always may). */
  LAB_ACCESS: z
    .enum(['everyone', 'cohort-members'], 'must be everyone or cohort-members')
    .default('everyone'),
  /** Bearer token Prometheus sends to /api/metrics; unset: the endpoint answers 404. */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (run `openssl rand -hex 32`)').optional(),
})

/** Variables of the web app process (the launcher always sets the required ones). */
export const webEnvSchema = webEnvObject.superRefine((env, ctx) => {
  if (env.SIGN_UP_MODE === 'domains' && env.SIGN_UP_DOMAINS.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['SIGN_UP_DOMAINS'],
      message:
        'required when SIGN_UP_MODE=domains: list the e-mail domains that may sign up, like example.com',
    })
  }
})
export type WebEnv = z.infer<typeof webEnvSchema>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  // Empty strings count as unset, as most shells and .env files intend.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const result = schema.safeParse(cleaned)
  if (result.success) return result.data
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.')
      const given = cleaned[name]
      const hint =
        given === undefined
          ? 'is not set'
          : `is ${JSON.stringify(name.includes('SECRET') || name.includes('TOKEN') || name.includes('URL') ? '…' : given)}`
      return `${name} ${hint}: ${issue.code === 'invalid_type' && given === undefined ? 'required' : issue.message}`
    }),
  )
}
