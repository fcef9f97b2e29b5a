// The lab page's notice for a failed sandbox, and the interrupted start told apart.
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { LabState } from './lab-api'
import { INTERRUPTED_TEXT, MACHINE_LOST_TEXT, SandboxFailure, sandboxFailureNotice } from './sandbox-failure'

const at = new Date('2026-12-03T09:00:00Z')

type SandboxView = NonNullable<LabState['sandbox']>
const failed = (failure: SandboxView['failure'], error: string | null): SandboxView => ({
  state: 'failed',
  error,
  failure,
  secondsLeft: 0,
  idleSecondsLeft: 0,
  labSecondsLeft: 0,
  idleTimeoutS: 1800,
  expiresAt: at.toISOString(),
  extensionsLeft: 0,
  services: [],
  provisioning: null,
  viewers: 0,
  disk: null,
})

describe('failed sandbox notice', () => {
  it('tells an interrupted start apart: nothing lost, start again, not an error', () => {
    const sandbox = failed('interrupted', 'your lab was interrupted while it was starting')
    expect(sandboxFailureNotice(sandbox)).toEqual({ kind: 'interrupted', text: INTERRUPTED_TEXT })
    const html = renderToStaticMarkup(<SandboxFailure sandbox={sandbox} />)
    expect(html).toContain('Your lab was interrupted')
    expect(html).toContain('Nothing was lost')
    expect(html).toContain('Start the lab again')
    expect(html).toContain('role="status"')
    expect(html).not.toContain('could not start')
  })

  it('tells a lost machine apart: progress kept, start again, not a start failure', () => {
    const sandbox = failed('machine-lost', 'the machine running it (node-2) was lost')
    expect(sandboxFailureNotice(sandbox)).toEqual({ kind: 'machine-lost', text: MACHINE_LOST_TEXT })
    const html = renderToStaticMarkup(<SandboxFailure sandbox={sandbox} />)
    expect(html).toContain('The machine running your lab was lost')
    expect(html).toContain('Your progress is kept')
    expect(html).toContain('data-testid="sandbox-machine-lost"')
    expect(html).not.toContain('could not start')
  })

  it('shows the runner’s reason for any other failure, also from an older runner without a code', () => {
    for (const failure of ['provisioning-failed', null] as const) {
      const html = renderToStaticMarkup(<SandboxFailure sandbox={failed(failure, 'image missing')} />)
      expect(html).toContain('The sandbox could not start: image missing. Start again to retry.')
      expect(html).toContain('role="alert"')
    }
  })

  it('says nothing while the sandbox is not failed', () => {
    expect(sandboxFailureNotice(null)).toBeNull()
    expect(sandboxFailureNotice({ ...failed(null, null), state: 'ready' })).toBeNull()
  })
})
