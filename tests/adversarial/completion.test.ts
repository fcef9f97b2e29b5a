// Attacks on lesson completion (issue 11, item 6): marking lessons complete yourself, reporting
// "read to the end" at once, and video progress with a made-up duration or played time. None
// may move the grade; the refused ones are audited. The honest paths still earn the lesson.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { completionRules } from '@/config/completion-rules'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { loadLearnerGrade } from '@/server/grading/load-learner-grade'
import { recordingDuration } from '@/server/media/recording-duration'
import { markLessonRead, recordLessonVisit, setLessonBookmark } from '@/server/progress/lesson-progress'
import { recordVideoProgress } from '@/server/progress/record-video-progress'
import { auditActions, COURSE, newUser } from './support'

const course = (await getCourse(COURSE))!
const lesson = course.lessons[0]!

async function lessonScore(userId: string) {
  const grade = await loadLearnerGrade({ actor: { id: userId, role: 'learner' }, userId, courseSlug: COURSE })
  return { lessons: grade.categories.lessons, final: grade.final }
}

/** A PCM WAV of `seconds` of silence: its real length is in its header. */
async function mediaWithRecording(seconds: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hxa-media-'))
  const rate = 8000
  const data = seconds * rate * 2
  const wav = Buffer.alloc(44 + data)
  wav.write('RIFF', 0)
  wav.writeUInt32LE(36 + data, 4)
  wav.write('WAVE', 8)
  wav.write('fmt ', 12)
  wav.writeUInt32LE(16, 16)
  wav.writeUInt16LE(1, 20)
  wav.writeUInt16LE(1, 22)
  wav.writeUInt32LE(rate, 24)
  wav.writeUInt32LE(rate * 2, 28)
  wav.writeUInt16LE(2, 32)
  wav.writeUInt16LE(16, 34)
  wav.write('data', 36)
  wav.writeUInt32LE(data, 40)
  await writeFile(path.join(dir, `${lesson.slug}.wav`), wav)
  return dir
}

const backdate = (userId: string, field: 'readStartedAt' | 'videoReportedAt', seconds: number) =>
  db().lessonProgress.updateMany({
    where: { userId, lessonKey: lesson.key },
    data: { [field]: new Date(Date.now() - seconds * 1000) },
  })

describe('adversarial: lesson completion', () => {
  it('a self-marked bookmark does not count toward the grade', async () => {
    const learner = await newUser()
    const before = await lessonScore(learner.id)
    for (const l of course.lessons)
      await setLessonBookmark({ userId: learner.id, lessonKey: l.key, bookmarked: true })
    expect(await lessonScore(learner.id)).toEqual(before)
    expect(before.lessons).toBe(0)
  })

  it('reaching the end at once is not reading it: refused, audited, and earned once the time has passed', async () => {
    const learner = await newUser()
    await recordLessonVisit({ userId: learner.id, lessonKey: lesson.key })
    const refused = await markLessonRead({ userId: learner.id, lessonKey: lesson.key })
    expect(refused.status).toBe('too-soon')
    // A forged call without any page visit is refused the same way.
    const other = course.lessons[1]!
    expect((await markLessonRead({ userId: learner.id, lessonKey: other.key })).status).toBe('too-soon')
    expect(await lessonScore(learner.id)).toMatchObject({ lessons: 0, final: 0 })
    expect((await auditActions(learner.id)).filter((a) => a === 'lesson.completion.refused')).toHaveLength(2)

    // The honest learner: the page has been open for longer than the reading time.
    if (refused.status !== 'too-soon') throw new Error('expected too-soon')
    await backdate(learner.id, 'readStartedAt', refused.retryInSeconds + 1)
    expect(await markLessonRead({ userId: learner.id, lessonKey: lesson.key })).toEqual({ status: 'earned' })
    expect((await lessonScore(learner.id)).lessons).toBeCloseTo(100 / course.lessons.length, 1)
  })

  it('video progress cannot claim a short duration, nor more play than time allows', async () => {
    const dir = await mediaWithRecording(600)
    expect(await recordingDuration(lesson.slug, { dir })).toBe(600)
    const learner = await newUser()
    await recordLessonVisit({ userId: learner.id, lessonKey: lesson.key })
    const report = (ranges: [number, number][], duration: number) =>
      recordVideoProgress({
        userId: learner.id,
        lessonKey: lesson.key,
        ranges,
        position: ranges.at(-1)?.[1] ?? 0,
        duration,
        recordingSeconds: () => recordingDuration(lesson.slug, { dir }),
      })

    // "The video is 10 s long and I watched all of it": the server knows it is 600 s.
    const short = await report([[0, 10]], 10)
    expect(short.duration).toBe(600)
    expect(short.earned).toBe(false)

    // "I watched all 600 s" one second after opening the page.
    const error = await report([[0, 600]], 600).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).message).toContain('more than the time since the last report allows')
    expect(await lessonScore(learner.id)).toMatchObject({ lessons: 0, final: 0 })
    expect(await auditActions(learner.id)).toContain('lesson.completion.refused')
    const row = await db().lessonProgress.findUniqueOrThrow({
      where: { userId_lessonKey: { userId: learner.id, lessonKey: lesson.key } },
      select: { watchedSeconds: true, earnedAt: true },
    })
    expect(row).toEqual({ watchedSeconds: 10, earnedAt: null })

    // The honest learner plays it through; at 90 % of the real length the lesson is earned.
    let at = 10
    while (at < 600 * completionRules.videoShare) {
      await backdate(learner.id, 'videoReportedAt', 60)
      const next = Math.min(600, at + 60)
      const progress = await report([[at, next]], 600)
      at = next
      expect(progress.earned).toBe(at >= 600 * completionRules.videoShare)
    }
    expect((await lessonScore(learner.id)).lessons).toBeCloseTo(100 / course.lessons.length, 1)
  })
})
