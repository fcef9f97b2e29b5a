'use client'

import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import { watchedPercent, type WatchedRange } from '@/contracts/watched-ranges'
import { PlayTracker } from './play-tracker'
import { useCaptions } from './use-captions'
import { useFullscreen } from './use-fullscreen'
import { useHls } from './use-hls'
import { useProgressReporting } from './use-progress-reporting'
import { useThumbnails } from './use-thumbnails'
import { SPEEDS, VideoControls } from './video-controls'
import { VideoChapters } from './video-chapters'
import { VideoFooter } from './video-footer'
import { handleShortcut } from './video-shortcuts'
import type { VideoChapter } from './video-time'
import styles from './video-player.module.css'

export type { VideoChapter } from './video-time'

export interface VideoPlayerProps {
  /** "<courseSlug>/<lessonSlug>", the key progress is stored under. */
  lessonKey: string
  src: string
  type: string
  captionsSrc?: string
  /** HLS master playlist; `src` is then the progressive fallback. */
  hlsSrc?: string
  posterSrc?: string
  /** WebVTT track of thumbnail-sprite regions: previews above the seek bar. */
  thumbnailsSrc?: string
  /** Offered as "Download" under the player. */
  downloadSrc?: string
  /** Shown above the player, e.g. that the video is generated from the notes. */
  label?: string
  chapters: readonly VideoChapter[]
  /** Where the learner left off, in seconds. */
  initialPosition: number
  initialWatchedRanges: readonly WatchedRange[]
}

const SEEK_REPORT_DELAY_MS = 800

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
  hlsSrc,
  posterSrc,
  thumbnailsSrc,
  downloadSrc,
  label,
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
  const [loadError, setLoadError] = useState(false)
  const resumed = useRef(false)
  const seekReportTimer = useRef<number | undefined>(undefined)

  const { report, saveProblem } = useProgressReporting({ lessonKey, tracker, videoRef, playing })
  const streamMode = useHls(videoRef, hlsSrc, src)
  const thumbnails = useThumbnails(thumbnailsSrc)

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
    // The last tick of a recording comes after the element has paused itself at the end: it
    // still closes a stretch that was played.
    const playingNow = (!video.paused || video.ended) && !video.seeking
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

  const { fullscreen, toggleFullscreen } = useFullscreen(rootRef)
  const { captionsOn, captionText, toggleCaptions } = useCaptions(videoRef, captionsSrc)

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

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) =>
    handleShortcut(event, { togglePlay, seekBy, toggleCaptions, stepRate, toggleFullscreen })

  const percent = watchedPercent(watchedRanges, duration)

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
      data-stream={hlsSrc ? streamMode : 'progressive'}
    >
      {label && (
        <p className={`muted ${styles.label}`} data-testid="video-label">
          {label}
        </p>
      )}
      <div className={styles.screen}>
        <video
          ref={videoRef}
          className={styles.video}
          preload="metadata"
          poster={posterSrc}
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
          {/* With HLS the stream is attached by useHls; a <source> would start the MP4 download first. */}
          {!hlsSrc && <source src={src} type={type} />}
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

      <VideoControls
        playing={playing}
        time={time}
        duration={duration}
        watchedRanges={watchedRanges}
        thumbnails={thumbnails}
        hasCaptions={Boolean(captionsSrc)}
        captionsOn={captionsOn}
        rate={rate}
        fullscreen={fullscreen}
        onTogglePlay={togglePlay}
        onSeek={seekTo}
        onToggleCaptions={toggleCaptions}
        onChangeRate={changeRate}
        onToggleFullscreen={toggleFullscreen}
      />

      <VideoFooter percent={percent} saveProblem={saveProblem} downloadSrc={downloadSrc} />

      {chapters.length > 0 && <VideoChapters chapters={chapters} time={time} onSeek={seekTo} />}
    </div>
  )
}
