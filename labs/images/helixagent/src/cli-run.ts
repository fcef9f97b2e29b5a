import { parseArgs } from 'node:util'
import { z } from 'zod'
import { HELIXAGENT_VERSION } from './version'

export interface CliIo {
  env: Record<string, string | undefined>
  out: (text: string) => void
  err: (text: string) => void
}

const USAGE = `Usage:
  helixagent verify --provider <id> [--verbose] [--test auth] [--url http://host:8080]
  helixagent version
  helixagent serve [--config /etc/helixagent/config.yaml]   (the service itself)

The service URL defaults to $HELIXAGENT_URL, else http://localhost:8080.
Exit codes: 0 verified, 1 provider failed verification, 2 usage or connection error.
`

const checkSchema = z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })
const verifyResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  verified: z.boolean(),
  status: z.string(),
  score: z.number(),
  latency_ms: z.number().nullable(),
  last_verified: z.string().nullable(),
  error: z.string().nullable(),
  checks: z.array(checkSchema),
  provider: z
    .object({
      models: z.array(z.string()),
      enabled: z.boolean(),
      fallback: z.string().nullable(),
      rate_limit: z.object({ requests_per_minute: z.number() }),
    })
    .nullable()
    .optional(),
})

/** The CLI without process globals, so tests can run it in-process. Returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        provider: { type: 'string', short: 'p' },
        verbose: { type: 'boolean', short: 'v', default: false },
        test: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (cause) {
    io.err(`helixagent: ${cause instanceof Error ? cause.message : String(cause)}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const command = positionals[0]
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE)
    return command === undefined && !values.help ? 2 : 0
  }
  if (command === 'version') {
    io.out(`helixagent ${HELIXAGENT_VERSION} (Helix Academy stand-in, node ${process.version})\n`)
    return 0
  }
  if (command !== 'verify') {
    io.err(`helixagent: unknown command "${command}"\n\n${USAGE}`)
    return 2
  }
  if (!values.provider) {
    io.err(`helixagent verify: --provider <id> is required\n\n${USAGE}`)
    return 2
  }
  if (values.test !== undefined && values.test !== 'auth') {
    io.err(`helixagent verify: --test supports only "auth" (got "${values.test}")\n`)
    return 2
  }
  const baseUrl = (values.url ?? io.env.HELIXAGENT_URL ?? 'http://localhost:8080').replace(/\/+$/, '')

  let response: Response
  try {
    response = await fetch(`${baseUrl}/v1/providers/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: values.provider, ...(values.test ? { test: values.test } : {}) }),
      signal: AbortSignal.timeout(30_000),
    })
  } catch (cause) {
    const reason =
      cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)
    io.err(
      `helixagent verify: cannot reach HelixAgent at ${baseUrl} (${reason}); is the service running? (--url or HELIXAGENT_URL)\n`,
    )
    return 2
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const message =
      (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`
    io.err(`helixagent verify: ${message}\n`)
    return 2
  }
  const result = verifyResponseSchema.safeParse(body)
  if (!result.success) {
    io.err(`helixagent verify: unexpected answer from ${baseUrl}: ${result.error.message}\n`)
    return 2
  }
  const r = result.data
  const lines = [
    `Provider:   ${r.id} (${r.name})`,
    `Test:       ${values.test ?? 'full verification'}`,
    `Verified:   ${r.verified ? 'yes' : 'no'}`,
    `Score:      ${r.score.toFixed(1)}`,
    `Latency:    ${r.latency_ms === null ? 'n/a' : `${r.latency_ms} ms`}`,
  ]
  if (r.error) lines.push(`Error:      ${r.error}`)
  if (values.verbose) {
    lines.push(`Checked at: ${r.last_verified ?? 'never'}`)
    if (r.provider) {
      lines.push(`Models:     ${r.provider.models.join(', ')}`)
      lines.push(`Rate limit: ${r.provider.rate_limit.requests_per_minute} requests/minute (configured)`)
      lines.push(`Fallback:   ${r.provider.fallback ?? 'none'}`)
    }
    lines.push('Checks:')
    for (const check of r.checks)
      lines.push(`  [${check.passed ? 'PASS' : 'FAIL'}] ${check.name.padEnd(12)} ${check.detail}`)
  }
  lines.push(r.verified ? `Result:     PASS` : `Result:     FAIL`)
  io.out(`${lines.join('\n')}\n`)
  return r.verified ? 0 : 1
}
