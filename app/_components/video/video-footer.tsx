'use client'
// Under the controls: how much has been watched, a save problem if any, and the shortcut keys.
import styles from './video-player.module.css'

export function VideoFooter({ percent, saveProblem }: { percent: number; saveProblem: string | null }) {
  return (
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
  )
}
