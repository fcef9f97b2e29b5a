'use client'
// Sends the played segments and the position to the server: every ~10 s while playing, and
// once more when the page goes away or the player unmounts.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { WatchedRange } from '@/contracts/watched-ranges'
import type { PlayTracker } from './play-tracker'

const SAVE_EVERY_MS = 10_000
const PROGRESS_URL = '/api/progress/video'

export type ReportHow = 'fetch' | 'keepalive' | 'beacon'

export function useProgressReporting({
  lessonKey,
  tracker,
  videoRef,
  playing,
}: {
  lessonKey: string
  tracker: PlayTracker
  videoRef: RefObject<HTMLVideoElement | null>
  playing: boolean
}) {
  const [saveProblem, setSaveProblem] = useState<string | null>(null)
  const lastSent = useRef<{ position: number; at: number } | null>(null)

  const report = useCallback(
    (how: ReportHow, video: HTMLVideoElement | null = videoRef.current) => {
      if (!video || !Number.isFinite(video.duration) || video.duration <= 0) return
      const videoDuration = video.duration
      const ranges = tracker
        .takePending()
        .map(([start, end]): WatchedRange => [Math.max(0, start), Math.min(videoDuration, end)])
        .filter(([start, end]) => end > start)
      const position = Math.min(Math.max(0, video.currentTime), videoDuration)
      // Nothing new to say: skip the request.
      if (ranges.length === 0 && lastSent.current && Math.abs(lastSent.current.position - position) < 0.5)
        return
      lastSent.current = { position, at: Date.now() }
      const body = JSON.stringify({ lessonKey, ranges, position, duration: videoDuration })

      if (how === 'beacon') {
        const queued = navigator.sendBeacon(PROGRESS_URL, new Blob([body], { type: 'application/json' }))
        if (!queued) tracker.restorePending(ranges)
        return
      }
      fetch(PROGRESS_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        keepalive: how === 'keepalive',
      })
        .then(async (res) => {
          if (res.ok) {
            // Read the answer even though nothing here needs it: Chromium leaves an unread body
            // on the connection, so the request never finishes (in its network log too) and the
            // connection cannot be reused, one of only six per host that HLS segments need.
            await res.arrayBuffer().catch(() => undefined)
            return setSaveProblem(null)
          }
          // A server hiccup: try these ranges again with the next report. A refusal (signed
          // out, bad data) would be refused again, so it is shown instead.
          if (res.status >= 500) tracker.restorePending(ranges)
          const answer = (await res.json().catch(() => null)) as { error?: string } | null
          setSaveProblem(answer?.error ?? `Progress not saved (HTTP ${res.status}).`)
        })
        .catch(() => {
          tracker.restorePending(ranges)
          setSaveProblem('Progress not saved: the server could not be reached. Retrying while you watch.')
        })
    },
    [lessonKey, tracker, videoRef],
  )

  // Every ~10 s while playing.
  useEffect(() => {
    if (!playing) return
    const timer = window.setInterval(() => report('fetch'), SAVE_EVERY_MS)
    return () => window.clearInterval(timer)
  }, [playing, report])

  // When the page goes away (tab closed, reload, full navigation) a beacon still gets out;
  // when the player unmounts on client-side navigation, a keepalive request does.
  useEffect(() => {
    // React detaches refs before this cleanup runs on unmount: keep the element at hand.
    const video = videoRef.current
    const onPageHide = () => report('beacon', video)
    window.addEventListener('pagehide', onPageHide)
    return () => {
      window.removeEventListener('pagehide', onPageHide)
      report('keepalive', video)
    }
  }, [report, videoRef])

  return { report, saveProblem }
}
