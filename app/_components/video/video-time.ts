// Times and chapters as the player shows them.

export interface VideoChapter {
  start: number
  title: string
}

export function formatTime(seconds: number): string {
  const s = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

export function currentChapterIndex(chapters: readonly VideoChapter[], time: number): number {
  let index = -1
  chapters.forEach((chapter, i) => {
    if (chapter.start <= time) index = i
  })
  return index
}
