'use client'
// The picture at the pointer's time, above the seek bar, while hovering or dragging it. Pointer
// only: keyboard seeking moves the video itself, which is its own preview, so this stays out of
// the accessibility tree.
import { thumbnailAt, type ThumbnailCue } from './thumbnail-track'
import { formatTime } from './video-time'
import styles from './video-player.module.css'

export function SeekPreview({
  cues,
  fraction,
  duration,
}: {
  cues: readonly ThumbnailCue[]
  /** Where the pointer is along the bar, 0..1. */
  fraction: number
  duration: number
}) {
  const time = fraction * duration
  const cue = thumbnailAt(cues, time)
  if (!cue) return null
  const half = cue.width / 2
  return (
    <div
      className={styles.seekPreview}
      aria-hidden="true"
      data-testid="seek-preview"
      style={{
        // Centred on the pointer, kept inside the bar at both ends.
        left: `clamp(${half}px, ${fraction * 100}%, calc(100% - ${half}px))`,
        width: cue.width,
        height: cue.height,
        backgroundImage: `url("${cue.url}")`,
        backgroundPosition: `-${cue.x}px -${cue.y}px`,
      }}
    >
      <span>{formatTime(time)}</span>
    </div>
  )
}
