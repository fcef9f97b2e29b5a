// Red team, issue 12 gap 3 (web part): a service-tab ticket is redeemable only by the user it
// was minted for. The attacker mints a tab for their own sandbox (whose pages they control) and
// tries to make a victim's browser open it. The web app's real openServiceTab against a REAL
// lab-runner (in-process HTTP server on loopback, real Docker engine, the fixture lab).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxRegistry } from '@/lab-runner/src/sandboxes/sandbox-registry'
import {
  startInProcessRunner,
  TEST_WEB_ORIGIN,
  type InProcessRunner,
} from '@/tests/support/in-process-runner'
import type { db as dbFn } from '@/server/db'
import type { openServiceTab as openServiceTabFn } from '@/server/labs/sandbox-actions'
import type { startLab as startLabFn } from '@/server/labs/start-lab'

let registry: SandboxRegistry
let runner: InProcessRunner
let m: { db: typeof dbFn; startLab: typeof startLabFn; openServiceTab: typeof openServiceTabFn }

beforeAll(async () => {
  runner = await startInProcessRunner({ name: 'redteam-tabs' })
  registry = runner.registry
  m = {
    db: (await import('@/server/db')).db,
    startLab: (await import('@/server/labs/start-lab')).startLab,
    openServiceTab: (await import('@/server/labs/sandbox-actions')).openServiceTab,
  }
})

afterAll(async () => {
  await runner?.stop()
})

/** What a browser sends when a page at `origin` submits the tab form (or null: no Origin). */
function submit(tab: { action: string; ticket: string; path: string }, origin: string | null) {
  return fetch(tab.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? {} : { origin }) },
    body: new URLSearchParams({ ticket: tab.ticket, path: tab.path }).toString(),
  })
}

describe('service tab tickets', () => {
  it('cannot be opened from a forwarded link, another site or a sandbox page; the own lab page can', async () => {
    const id = randomUUID()
    await m.db().user.create({ data: { id, name: 'Attacker', email: `attacker-${id}@example.test` } })
    const attacker = { id, role: 'learner' as const }
    const started = await m.startLab({ user: attacker, labSlug: 'sample' })
    if (started.status === 'queued') throw new Error('unexpectedly queued')
    await registry.whenSettled(started.sandboxId)

    const tab = await m.openServiceTab({ user: attacker, labSlug: 'sample', host: 'workstation', port: 8080 })
    expect(tab.action).toBe(
      `${process.env.RUNNER_PUBLIC_URL!.replace(/^ws/, 'http')}/proxy-open/${started.sandboxId}/workstation/8080`,
    )
    const runnerOrigin = new URL(tab.action).origin
    const tabRoot = `${runnerOrigin}/proxy/${started.sandboxId}/workstation/8080/`

    // 1. The old bearer link: a ticket in the URL is not redeemed and sets no cookie.
    const link = await fetch(`${tabRoot}?ticket=${tab.ticket}`, { redirect: 'manual' })
    expect(link.status).toBe(401)
    expect(link.headers.get('set-cookie')).toBeNull()
    // 2. An auto-submitting form on another site, in a sandboxed (opaque) page, on the runner's own
    //    origin (the attacker's service tab), or with no Origin at all.
    for (const origin of ['http://evil.example', 'null', runnerOrigin, null]) {
      const res = await submit(tab, origin)
      expect(res.status, `Origin ${origin}`).toBe(403)
      expect(res.headers.get('set-cookie')).toBeNull()
    }

    // The legitimate path: the learner's own lab page (the web app's origin) opens the tab once.
    const opened = await submit(tab, TEST_WEB_ORIGIN)
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toBe(`/proxy/${started.sandboxId}/workstation/8080/`)
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    expect(cookie).toMatch(/^academy_proxy=/)
    // Single use: replaying the captured form fails even from the right origin.
    expect((await submit(tab, TEST_WEB_ORIGIN)).status).toBe(401)
    // The cookie opens this tab only (nothing listens on the port: the proxy answers 502).
    expect((await fetch(tabRoot, { headers: { cookie } })).status).toBe(502)
  })
})
