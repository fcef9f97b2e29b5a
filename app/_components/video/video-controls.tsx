'use client'
// The control bar under the picture: play, seek with the watched stretches, time, captions,
// speed and fullscreen.
import { useEffect, useRef, useState, type PointerEvent } from 'react'
import type { WatchedRange } from '@/contracts/watched-ranges'
import { SeekPreview } from './seek-preview'
import type { ThumbnailCue } from './thumbnail-track'
import { formatTime } from './video-time'
import styles from './video-player.module.css'

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2] as const

export function VideoControls({
  playing,
  time,
  duration,
  watchedRanges,
  thumbnails,
  hasCaptions,
  captionsOn,
  rate,
  fullscreen,
  onTogglePlay,
  onSeek,
  onToggleCaptions,
  onChangeRate,
  onToggleFullscreen,
}: {
  playing: boolean
  time: number
  /** Null until the recording's metadata has loaded. */
  duration: number | null
  watchedRanges: readonly WatchedRange[]
  /** Scrubbing previews; none means the bar shows no picture. */
  thumbnails: readonly ThumbnailCue[]
  hasCaptions: boolean
  captionsOn: boolean
  rate: number
  fullscreen: boolean
  onTogglePlay: () => void
  onSeek: (target: number) => void
  onToggleCaptions: () => void
  onChangeRate: (next: number) => void
  onToggleFullscreen: () => void
}) {
  const max = duration ?? 0
  const seekRef = useRef<HTMLDivElement>(null)
  // Where the pointer is along the bar (0..1) while it hovers or drags; null when it is away.
  const [pointerAt, setPointerAt] = useState<number | null>(null)
  const [dragging, setDragging] = useState(false)

  const followPointer = (clientX: number) => {
    const rect = seekRef.current?.getBoundingClientRect()
    if (!rect || rect.width === 0) return
    setPointerAt(Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)))
  }

  // A drag may leave the bar while the button is held: follow it on the window until release.
  useEffect(() => {
    if (!dragging) return
    const onMove = (e: globalThis.PointerEvent) => followPointer(e.clientX)
    const onUp = () => {
      setDragging(false)
      setPointerAt(null)
    }
    window.addEventListener('pointermove', onMove)
    window.addEventListener('pointerup', onUp)
    window.addEventListener('pointercancel', onUp)
    return () => {
      window.removeEventListener('pointermove', onMove)
      window.removeEventListener('pointerup', onUp)
      window.removeEventListener('pointercancel', onUp)
    }
  }, [dragging])

  const showPreview = duration !== null && pointerAt !== null && thumbnails.length > 0
  return (
    <div className={styles.controls}>
      <button
        type="button"
        className={`button small ${styles.play}`}
        onClick={onTogglePlay}
        aria-label={playing ? 'Pause' : 'Play'}
      >
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>

      <div
        ref={seekRef}
        className={styles.seek}
        onPointerMove={(e: PointerEvent) => followPointer(e.clientX)}
        onPointerDown={(e: PointerEvent) => {
          followPointer(e.clientX)
          setDragging(true)
        }}
        onPointerLeave={() => {
          if (!dragging) setPointerAt(null)
        }}
      >
        {showPreview && <SeekPreview cues={thumbnails} fraction={pointerAt} duration={duration} />}
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
          onChange={(e) => onSeek(Number(e.target.value))}
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

      {hasCaptions && (
        <button type="button" className="button small" aria-pressed={captionsOn} onClick={onToggleCaptions}>
          Captions {captionsOn ? 'on' : 'off'}
        </button>
      )}

      <label className={styles.speed}>
        <span>Speed</span>
        <select
          value={rate}
          onChange={(e) => onChangeRate(Number(e.target.value))}
          aria-label="Playback speed"
        >
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>

      <button type="button" className="button small" onClick={onToggleFullscreen} aria-pressed={fullscreen}>
        Fullscreen
      </button>
    </div>
  )
}
