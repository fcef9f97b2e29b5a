'use client'

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { watchedPercent, type WatchedRange } from '@/contracts/watched-ranges'
import { PlayTracker } from './play-tracker'
import styles from './video-player.module.css'

export interface VideoChapter {
  start: number
  title: string
}

export interface VideoPlayerProps {
  /** "<courseSlug>/<lessonSlug>", the key progress is stored under. */
  lessonKey: string
  src: string
  type: string
  captionsSrc?: string
  chapters: readonly VideoChapter[]
  /** Where the learner left off, in seconds. */
  initialPosition: number
  initialWatchedRanges: readonly WatchedRange[]
}

const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2] as const
const SAVE_EVERY_MS = 10_000
const SEEK_REPORT_DELAY_MS = 800
const PROGRESS_URL = '/api/progress/video'

function formatTime(seconds: number): string {
  const s = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

function currentChapterIndex(chapters: readonly VideoChapter[], time: number): number {
  let index = -1
  chapters.forEach((chapter, i) => {
    if (chapter.start <= time) index = i
  })
  return index
}

/**
 * Loads the captions track without the browser drawing it: we draw the current cue ourselves,
 * so captions look the same everywhere and also show for audio-only recordings (WAV), where
 * Chromium draws nothing.
 */
function loadTrackHidden(track: TextTrack): void {
  track.mode = 'hidden'
}

/** The text of the cues showing now, without WebVTT markup (voice and style tags). */
function activeCueText(track: TextTrack): string {
  return Array.from(track.activeCues ?? [])
    .map((cue) => (cue instanceof VTTCue ? cue.text : ''))
    .join('\n')
    .replace(/<[^>]*>/g, '')
    .trim()
}

/** Keys whose native meaning on a focused control must win over our shortcuts. */
function ownsKey(target: EventTarget, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false
  const tag = target.tagName
  if (tag === 'SELECT') return key.startsWith('Arrow') || key === ' '
  if (tag === 'BUTTON') return key === ' ' || key === 'Enter'
  return false
}

/**
 * The lesson recording: a native <video> driven by our own accessible controls, with
 * captions, chapters, speed, keyboard shortcuts, resume, and progress that counts only the
 * segments actually played (see PlayTracker).
 */
export function VideoPlayer({
  lessonKey,
  src,
  type,
  captionsSrc,
  chapters,
  initialPosition,
  initialWatchedRanges,
}: VideoPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null)
  const rootRef = useRef<HTMLDivElement>(null)
  const [tracker] = useState(() => new PlayTracker(initialWatchedRanges))
  const [watchedRanges, setWatchedRanges] = useState<readonly WatchedRange[]>(() => tracker.watchedRanges())
  const [playing, setPlaying] = useState(false)
  const [time, setTime] = useState(initialPosition)
  const [duration, setDuration] = useState<number | null>(null)
  const [rate, setRate] = useState(1)
  const [captionsOn, setCaptionsOn] = useState(false)
  const [captionText, setCaptionText] = useState('')
  const [fullscreen, setFullscreen] = useState(false)
  const [loadError, setLoadError] = useState(false)
  const [saveProblem, setSaveProblem] = useState<string | null>(null)
  const lastSent = useRef<{ position: number; at: number } | null>(null)
  const resumed = useRef(false)
  const seekReportTimer = useRef<number | undefined>(undefined)

  // ---- progress reporting ----

  const report = useCallback(
    (how: 'fetch' | 'keepalive' | 'beacon', video: HTMLVideoElement | null = videoRef.current) => {
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
          if (res.ok) return setSaveProblem(null)
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
    [lessonKey, tracker],
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
  }, [report])

  // ---- media element events ----

  const onLoadedMetadata = useCallback(() => {
    const video = videoRef.current
    if (!video) return
    setDuration(Number.isFinite(video.duration) ? video.duration : null)
    if (resumed.current) return
    resumed.current = true
    // Resume where the learner left off, unless that was the very end.
    if (initialPosition > 0 && Number.isFinite(video.duration) && initialPosition < video.duration - 1) {
      tracker.seek()
      video.currentTime = initialPosition
    }
  }, [initialPosition, tracker])

  // The element may have loaded its metadata before React attached the handlers (hydration).
  useEffect(() => {
    const video = videoRef.current
    if (video && video.readyState >= HTMLMediaElement.HAVE_METADATA) onLoadedMetadata()
  }, [onLoadedMetadata])

  const onTimeUpdate = () => {
    const video = videoRef.current
    if (!video) return
    setTime(video.currentTime)
    const playingNow = !video.paused && !video.seeking
    if (tracker.tick(video.currentTime, { playing: playingNow, rate: video.playbackRate })) {
      setWatchedRanges(tracker.watchedRanges())
    }
  }

  const onPlay = () => {
    const video = videoRef.current
    if (!video) return
    tracker.start(video.currentTime)
    setPlaying(true)
  }

  const onPause = () => {
    const video = videoRef.current
    if (!video) return
    // Count the stretch up to the pause itself, then stop counting.
    if (tracker.tick(video.currentTime, { playing: true, rate: video.playbackRate })) {
      setWatchedRanges(tracker.watchedRanges())
    }
    tracker.stop()
    setPlaying(false)
    setTime(video.currentTime)
    report('fetch')
  }

  const onSeeked = () => {
    const video = videoRef.current
    if (!video) return
    tracker.seek()
    if (!video.paused) tracker.start(video.currentTime)
    setTime(video.currentTime)
    // Dragging the seek bar seeks many times a second: report once it settles.
    window.clearTimeout(seekReportTimer.current)
    seekReportTimer.current = window.setTimeout(() => report('fetch'), SEEK_REPORT_DELAY_MS)
  }

  useEffect(() => () => window.clearTimeout(seekReportTimer.current), [])

  // ---- controls ----

  const togglePlay = useCallback(() => {
    const video = videoRef.current
    if (!video) return
    if (video.paused || video.ended) {
      video.play().catch(() => {
        // Refused (e.g. autoplay policy) or interrupted by a pause: the controls stay as they are.
      })
    } else {
      video.pause()
    }
  }, [])

  const seekTo = useCallback(
    (target: number) => {
      const video = videoRef.current
      if (!video) return
      const end = Number.isFinite(video.duration) ? video.duration : target
      tracker.seek()
      video.currentTime = Math.min(Math.max(0, target), end)
      setTime(video.currentTime)
    },
    [tracker],
  )

  const seekBy = useCallback(
    (delta: number) => {
      const video = videoRef.current
      if (video) seekTo(video.currentTime + delta)
    },
    [seekTo],
  )

  const changeRate = useCallback((next: number) => {
    const video = videoRef.current
    if (video) video.playbackRate = next
    setRate(next)
  }, [])

  const stepRate = useCallback(
    (direction: 1 | -1) => {
      const index = SPEEDS.findIndex((s) => s >= rate)
      const current = index === -1 ? SPEEDS.length - 1 : index
      const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, current + direction))]
      if (next !== undefined) changeRate(next)
    },
    [rate, changeRate],
  )

  const toggleFullscreen = useCallback(() => {
    const root = rootRef.current
    if (!root) return
    if (document.fullscreenElement) void document.exitFullscreen()
    else void root.requestFullscreen().catch(() => {})
  }, [])

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === rootRef.current)
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [])

  const toggleCaptions = useCallback(() => setCaptionsOn((on) => !on), [])

  // Follow the captions track's current cue (drawn over the picture when captions are on).
  useEffect(() => {
    const track = videoRef.current?.textTracks[0]
    if (!track) return
    loadTrackHidden(track)
    const onCueChange = () => setCaptionText(activeCueText(track))
    track.addEventListener('cuechange', onCueChange)
    return () => track.removeEventListener('cuechange', onCueChange)
  }, [captionsSrc])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    if (ownsKey(event.target, event.key)) return
    const actions: Record<string, () => void> = {
      ' ': togglePlay,
      k: togglePlay,
      j: () => seekBy(-10),
      l: () => seekBy(10),
      ArrowLeft: () => seekBy(-5),
      ArrowRight: () => seekBy(5),
      c: toggleCaptions,
      '>': () => stepRate(1),
      '<': () => stepRate(-1),
      f: toggleFullscreen,
    }
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key]
    if (!action) return
    event.preventDefault()
    action()
  }

  const percent = watchedPercent(watchedRanges, duration)
  const chapterIndex = currentChapterIndex(chapters, time)
  const max = duration ?? 0

  return (
    <div
      ref={rootRef}
      className={`${styles.player} ${fullscreen ? styles.fullscreen : ''}`}
      role="region"
      aria-label="Lesson video player"
      aria-describedby="video-player-keys"
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="video-player"
    >
      <div className={styles.screen}>
        <video
          ref={videoRef}
          className={styles.video}
          preload="metadata"
          playsInline
          onClick={togglePlay}
          onLoadedMetadata={onLoadedMetadata}
          onDurationChange={onLoadedMetadata}
          onTimeUpdate={onTimeUpdate}
          onPlay={onPlay}
          onPause={onPause}
          onSeeking={() => tracker.seek()}
          onSeeked={onSeeked}
          onRateChange={() => setRate(videoRef.current?.playbackRate ?? 1)}
          onError={() => setLoadError(true)}
        >
          <source src={src} type={type} />
          {captionsSrc && <track kind="captions" src={captionsSrc} srcLang="en" label="English" />}
        </video>
        {captionsOn && captionText && (
          <div className={styles.captions} data-testid="video-captions">
            <span>{captionText}</span>
          </div>
        )}
      </div>

      {loadError && (
        <p className="alert error" role="alert">
          The recording could not be loaded. Reload the page; if it keeps failing, the lesson notes below
          cover everything in the video.
        </p>
      )}

      <div className={styles.controls}>
        <button
          type="button"
          className={`button small ${styles.play}`}
          onClick={togglePlay}
          aria-label={playing ? 'Pause' : 'Play'}
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>

        <div className={styles.seek}>
          <input
            type="range"
            className={styles.seekInput}
            aria-label="Seek"
            min={0}
            max={max}
            step={1}
            value={Math.min(time, max)}
            aria-valuetext={`${formatTime(time)} of ${formatTime(max)}`}
            disabled={duration === null}
            onChange={(e) => seekTo(Number(e.target.value))}
          />
          <div className={styles.watchedBar} aria-hidden="true">
            {duration !== null &&
              watchedRanges.map(([start, end]) => (
                <span
                  key={start}
                  style={{
                    left: `${(start / duration) * 100}%`,
                    width: `${((end - start) / duration) * 100}%`,
                  }}
                />
              ))}
          </div>
        </div>

        <span className={styles.time} data-testid="video-time">
          <span className={styles.srOnly}>Time: </span>
          {formatTime(time)} / {duration === null ? '–:––' : formatTime(duration)}
        </span>

        {captionsSrc && (
          <button type="button" className="button small" aria-pressed={captionsOn} onClick={toggleCaptions}>
            Captions {captionsOn ? 'on' : 'off'}
          </button>
        )}

        <label className={styles.speed}>
          <span>Speed</span>
          <select
            value={rate}
            onChange={(e) => changeRate(Number(e.target.value))}
            aria-label="Playback speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>

        <button type="button" className="button small" onClick={toggleFullscreen} aria-pressed={fullscreen}>
          Fullscreen
        </button>
      </div>

      <div className={styles.footer}>
        <p className={styles.watched} data-testid="video-watched" aria-live="off">
          Watched {percent}%
        </p>
        {saveProblem && (
          <p className={styles.saveProblem} role="status">
            {saveProblem}
          </p>
        )}
        <p id="video-player-keys" className={`muted ${styles.keys}`}>
          Keys: space or k play/pause · j/l −/+10 s · ←/→ −/+5 s · c captions · &lt;/&gt; speed · f fullscreen
        </p>
      </div>

      {chapters.length > 0 && (
        <nav className={styles.chapters} aria-label="Chapters">
          <h2 className={styles.chaptersTitle}>Chapters</h2>
          <ol>
            {chapters.map((chapter, i) => (
              <li key={`${chapter.start}-${chapter.title}`}>
                <button
                  type="button"
                  className={styles.chapter}
                  aria-current={i === chapterIndex ? 'true' : undefined}
                  onClick={() => seekTo(chapter.start)}
                >
                  <span className={styles.chapterTime}>{formatTime(chapter.start)}</span>
                  <span>{chapter.title}</span>
                </button>
              </li>
            ))}
          </ol>
        </nav>
      )}
    </div>
  )
}
