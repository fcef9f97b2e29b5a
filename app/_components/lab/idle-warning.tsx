'use client'

// Five minutes before an idle sandbox would be deleted, the lab page says so and offers to keep
// it; any activity (typing, saving, a check) does the same, and the next status poll clears this.
import { useState } from 'react'
import { labApi } from './lab-api'
import { formatClock } from './sandbox-clocks'

export const IDLE_WARNING_S = 5 * 60

export function IdleWarning(props: {
  labSlug: string
  idleSecondsLeft: number
  labSecondsLeft: number
  idleTimeoutS: number
  /** Called after the runner kept the sandbox (to fetch the fresh clocks). */
  onKept: () => Promise<unknown>
}) {
  const { labSlug, idleSecondsLeft, labSecondsLeft, idleTimeoutS, onKept } = props
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Only when idling is what ends the sandbox, and only in its last five minutes.
  if (idleSecondsLeft > IDLE_WARNING_S || idleSecondsLeft >= labSecondsLeft || idleSecondsLeft <= 0)
    return null

  async function keep() {
    setBusy(true)
    setError(null)
    try {
      await labApi(labSlug, 'keep', { body: {} })
      await onKept()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="alert info" role="alert" data-testid="idle-warning">
      <p>
        Your lab shuts down in <strong>{formatClock(idleSecondsLeft)}</strong>: nothing has happened in it for{' '}
        {Math.round((idleTimeoutS - idleSecondsLeft) / 60)} minutes. Typing in a terminal, saving a file or
        running a check counts as activity; your passed steps are kept either way.
      </p>
      <button type="button" className="button small primary" disabled={busy} onClick={() => void keep()}>
        {busy ? 'Keeping…' : 'Keep my lab'}
      </button>
      {error && <p role="status">{error}</p>}
    </div>
  )
}
