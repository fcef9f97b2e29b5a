'use client'
// The control bar under the picture: play, seek with the watched stretches, time, captions,
// speed and fullscreen.
import type { WatchedRange } from '@/contracts/watched-ranges'
import { formatTime } from './video-time'
import styles from './video-player.module.css'

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2] as const

export function VideoControls({
  playing,
  time,
  duration,
  watchedRanges,
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
