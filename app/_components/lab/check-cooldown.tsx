'use client'

import { useEffect, useState } from 'react'

/**
 * "Check again in 42 s", counting down to the moment the server accepts the next check of this
 * step; calls `onDone` at zero so the Check button comes back.
 */
export function CheckCooldown({ until, onDone }: { until: number; onDone: () => void }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (now >= until) {
      onDone()
      return
    }
    const timer = setTimeout(() => setNow(Date.now()), Math.min(1000, until - now))
    return () => clearTimeout(timer)
  }, [now, until, onDone])
  const seconds = Math.max(0, Math.ceil((until - now) / 1000))
  return (
    <span className="muted" role="timer" aria-live="off" data-testid="check-cooldown">
      Check again in {seconds} s
    </span>
  )
}
