// The one place that reads process.env. Each process validates its variables once at start-up
// and refuses to start with a message naming every bad variable and what it expects.
import { z } from 'zod'

const port = z.coerce.number().int().min(1).max(65535)
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a PostgreSQL URL like postgresql://user:pass@host:5432/db')

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
})
export type PlatformEnv = z.infer<typeof platformEnvSchema>

/** Variables of the web app process (the launcher always sets the required ones). */
export const webEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl,
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (run `openssl rand -base64 32`)'),
  PUBLIC_URL: z
    .url('must be an absolute URL like https://academy.example.com')
    .default('http://localhost:3000'),
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
          : `is ${JSON.stringify(name.includes('SECRET') || name.includes('URL') ? '…' : given)}`
      return `${name} ${hint}: ${issue.code === 'invalid_type' && given === undefined ? 'required' : issue.message}`
    }),
  )
}
