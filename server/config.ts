import 'server-only'
import { parseEnv, webEnvSchema, type WebEnv } from '@/config/env'

let cached: WebEnv | undefined

/** The web app's configuration, validated on first use (the launcher validated it before start). */
export function webConfig(): WebEnv {
  cached ??= parseEnv(webEnvSchema, process.env)
  return cached
}
