// Per-sandbox variables, available as ${NAME} in a topology. Generated once at create and
// kept on the sandbox network's labels (only the runner holds the Docker socket), so a
// restarted runner and a reset sandbox see the same values. Never sent to the browser.
import { randomBytes, randomInt } from 'node:crypto'

/** Always present, in addition to the secrets a topology declares in `x-academy.secrets`. */
export const BUILTIN_SECRET_NAMES = [
  'HELIXAGENT_CONTROL_TOKEN',
  'POSTGRES_PASSWORD',
  'REDIS_PASSWORD',
] as const

export type SandboxVariables = Record<string, string>

const secret = () => randomBytes(18).toString('base64url')

export function generateVariables(options: {
  sandboxId: string
  seed: string
  secretNames: string[]
}): SandboxVariables {
  const variables: SandboxVariables = { ACADEMY_SANDBOX_ID: options.sandboxId, ACADEMY_SEED: options.seed }
  for (const name of [...BUILTIN_SECRET_NAMES, ...options.secretNames]) variables[name] = secret()
  return variables
}

/** A seed for labs with `variantSeed: true`; other labs share one seed so everyone sees the same data. */
export function newSeed(variant: boolean): string {
  return variant ? String(randomInt(1, 2 ** 31)) : '1'
}

/** Stand-ins used when validating a topology without a sandbox. */
export function placeholderVariables(secretNames: string[]): SandboxVariables {
  return generateVariables({ sandboxId: 'sbx-validate', seed: '1', secretNames })
}

export function encodeVariables(variables: SandboxVariables): string {
  return Buffer.from(JSON.stringify(variables)).toString('base64')
}

export function decodeVariables(encoded: string | undefined): SandboxVariables | undefined {
  if (!encoded) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))
    if (value === null || typeof value !== 'object') return undefined
    const entries = Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string')
    return Object.fromEntries(entries)
  } catch {
    return undefined
  }
}
