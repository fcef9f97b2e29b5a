'use client'
// Under the controls: how much has been watched, a save problem if any, and the shortcut keys.
import styles from './video-player.module.css'

export function VideoFooter({
  percent,
  saveProblem,
  downloadSrc,
}: {
  percent: number
  saveProblem: string | null
  downloadSrc?: string
}) {
  return (
    <div className={styles.footer}>
      <p className={styles.watched} data-testid="video-watched" aria-live="off">
        Watched {percent}%
      </p>
      {downloadSrc && (
        <p>
          <a href={downloadSrc} download data-testid="video-download">
            Download the video (MP4)
          </a>
        </p>
      )}
      {saveProblem && (
        <p className={styles.saveProblem} role="status">
          {saveProblem}
        </p>
      )}
      <p id="video-player-keys" className={`muted ${styles.keys}`}>
        Keys: space or k play/pause · j/l −/+10 s · ←/→ −/+5 s · c captions · &lt;/&gt; speed · f fullscreen
      </p>
    </div>
  )
}
