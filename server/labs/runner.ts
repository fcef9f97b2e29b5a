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

/**
 * The origin a sandbox's service tabs open on: RUNNER_TABS_URL (with `{sandbox}` replaced, so
 * each sandbox gets its own origin, cookies and storage), else the runner's public URL. A host
 * apart from the web app's keeps learner-controlled pages away from the web app's cookies.
 */
export function serviceTabOrigin(sandboxId: string): string {
  const tabs = webConfig().RUNNER_TABS_URL
  if (!tabs) return runnerPublicUrls().http
  return tabs.replace(/\/$/, '').replace('{sandbox}', sandboxId.toLowerCase())
}

/** The service-tab origins as a CSP source (`{sandbox}` becomes a `*` wildcard). */
export function serviceTabSource(): string {
  const tabs = webConfig().RUNNER_TABS_URL
  return tabs ? tabs.replace(/\/$/, '').replace('{sandbox}', '*') : runnerPublicUrls().http
}
