import 'server-only'
import { webConfig } from '@/server/config'
import { createRunnerClient, type RunnerClient } from './runner-client'

let client: RunnerClient | undefined

/** The runner client of this process, configured from RUNNER_URL / RUNNER_SERVICE_TOKEN. */
export function runner(): RunnerClient {
  const config = webConfig()
  client ??= createRunnerClient({ baseUrl: config.RUNNER_URL, token: config.RUNNER_SERVICE_TOKEN })
  return client
}

/** Where browsers open terminals (`ws(s)://…`) and service tabs (`http(s)://…`). */
export function runnerPublicUrls(): { ws: string; http: string } {
  const ws = webConfig().RUNNER_PUBLIC_URL.replace(/\/$/, '')
  return { ws, http: ws.replace(/^ws/, 'http') }
}
