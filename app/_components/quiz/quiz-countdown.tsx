'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'

/** Counts down to when the next attempt opens, then reloads the page so the attempt appears. */
export function QuizCountdown({ until }: { until: string }) {
  const router = useRouter()
  const target = new Date(until).getTime()
  // Null until mounted: the server's clock and locale must not be rendered into the HTML.
  const [now, setNow] = useState<number | null>(null)
  useEffect(() => {
    const tick = () => setNow(Date.now())
    const first = setTimeout(tick, 0)
    const timer = setInterval(tick, 1000)
    return () => {
      clearTimeout(first)
      clearInterval(timer)
    }
  }, [])
  const left = now === null ? null : Math.max(0, Math.ceil((target - now) / 1000))
  useEffect(() => {
    if (left === 0) router.refresh()
  }, [left, router])
  if (left === null) return null
  const minutes = Math.floor(left / 60)
  const seconds = String(left % 60).padStart(2, '0')
  return (
    <span data-testid="quiz-countdown">
      {' '}
      Next attempt in {minutes}:{seconds} (at {new Date(target).toLocaleTimeString()}).
    </span>
  )
}
