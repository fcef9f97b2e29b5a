import type { Page } from '@playwright/test'

// Chromium fails requests with net::ERR_NETWORK_CHANGED when the machine's addresses change
// under them. In these tests the browser shares its host with the Docker engine, and every
// sandbox start or end adds or removes bridge networks there, so now and then a poll is dropped.
// The lab page repeats such requests (app/_components/lab/lab-api.ts) and the terminal
// reconnects; the steps that follow prove it recovered. A learner's browser runs on another
// machine and never sees those networks.
const HOST_NETWORK_CHANGED = /net::ERR_NETWORK_CHANGED/

export interface WatchOptions {
  /** HTTP statuses the test provokes on purpose (a wrong password, a 403); their resource errors are expected. */
  provokedStatuses?: number[]
  /** Network errors the test provokes on purpose (a connection it drops), matched against the console text. */
  provokedNetworkErrors?: RegExp
}

/** Collects console errors and uncaught page errors, for an `expect(problems).toEqual([])` at the end. */
export function watchBrowserProblems(page: Page, options: WatchOptions = {}): string[] {
  const provoked = options.provokedStatuses ?? []
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    // Reported with its method and URL by the `requestfailed` listener below.
    if (HOST_NETWORK_CHANGED.test(text)) return
    const status = /status of (\d{3})/.exec(text)?.[1]
    if (status && provoked.includes(Number(status))) return
    if (options.provokedNetworkErrors?.test(text)) return
    problems.push(`console.error: ${text}`)
  })
  page.on('requestfailed', (request) => {
    if (HOST_NETWORK_CHANGED.test(request.failure()?.errorText ?? '')) {
      console.log(
        `[browser] ${request.method()} ${request.url()} was dropped because the host's network changed; the page repeats it`,
      )
    }
  })
  return problems
}
