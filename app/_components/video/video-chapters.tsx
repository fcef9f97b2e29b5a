'use client'
// The chapter list: the current chapter marked, a click jumps to its start.
import { currentChapterIndex, formatTime, type VideoChapter } from './video-time'
import styles from './video-player.module.css'

export function VideoChapters({
  chapters,
  time,
  onSeek,
}: {
  chapters: readonly VideoChapter[]
  time: number
  onSeek: (target: number) => void
}) {
  const chapterIndex = currentChapterIndex(chapters, time)
  return (
    <nav className={styles.chapters} aria-label="Chapters">
      <h2 className={styles.chaptersTitle}>Chapters</h2>
      <ol>
        {chapters.map((chapter, i) => (
          <li key={`${chapter.start}-${chapter.title}`}>
            <button
              type="button"
              className={styles.chapter}
              aria-current={i === chapterIndex ? 'true' : undefined}
              onClick={() => onSeek(chapter.start)}
            >
              <span className={styles.chapterTime}>{formatTime(chapter.start)}</span>
              <span>{chapter.title}</span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  )
}
