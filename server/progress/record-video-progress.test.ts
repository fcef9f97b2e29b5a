// Video progress against the real test database: only played segments count, as a union.
import { randomUUID } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getVideoProgress, recordVideoProgress } from './record-video-progress'

const lessonKey = 'production-operations/high-availability-design'
let userId: string

beforeEach(async () => {
  userId = randomUUID()
  await db().user.create({
    data: { id: userId, name: 'Vid Learner', email: `video-${userId.slice(0, 8)}@example.test` },
    select: { id: true },
  })
  // The lesson page was opened ten minutes ago (a read session the server started).
  const readStartedAt = new Date(Date.now() - 10 * 60_000)
  await db().lessonProgress.createMany({
    data: [lessonKey, 'production-operations/other-lesson'].map((key) => ({
      userId,
      lessonKey: key,
      readStartedAt,
    })),
  })
})

const record = (input: { ranges: unknown; position?: unknown; duration?: unknown; lessonKey?: string }) =>
  recordVideoProgress({
    userId,
    lessonKey,
    position: 0,
    duration: 100,
    recordingSeconds: async () => null,
    ...input,
  })

/** Time passes (as it does while the video plays) before the next report. */
const playOn = () =>
  db().lessonProgress.updateMany({
    where: { userId },
    data: { videoReportedAt: new Date(Date.now() - 60_000) },
  })

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error('expected the call to be rejected'),
    (e: unknown) => e,
  )
  if (!(error instanceof AppError)) throw error
  return error
}

describe('recordVideoProgress', () => {
  it('starts from nothing watched', async () => {
    expect(await getVideoProgress({ userId, lessonKey })).toEqual({
      ranges: [],
      watchedSeconds: 0,
      position: 0,
      duration: null,
    })
  })

  it('stores the union of ranges across calls and the last position', async () => {
    await record({ ranges: [[0, 10]], position: 10 })
    await playOn()
    await record({
      ranges: [
        [5, 20],
        [30, 40],
      ],
      position: 40,
    })
    await playOn()
    const result = await record({ ranges: [[20, 25]], position: 25 })
    expect(result.watchedSeconds).toBe(35)
    expect(await getVideoProgress({ userId, lessonKey })).toEqual({
      ranges: [
        [0, 25],
        [30, 40],
      ],
      watchedSeconds: 35,
      position: 25,
      duration: 100,
    })
    const row = await db().lessonProgress.findUniqueOrThrow({
      where: { userId_lessonKey: { userId, lessonKey } },
      select: { watchedSeconds: true, videoPosition: true, lastVisitedAt: true },
    })
    expect(row.watchedSeconds).toBe(35)
    expect(Date.now() - row.lastVisitedAt.getTime()).toBeLessThan(60_000)
  })

  it('does not count scrubbing: a jump to 90 s adds only what was played there', async () => {
    await record({ ranges: [[0, 6]], position: 6 })
    // The learner dragged the scrubber from 6 s to 90 s and played two seconds.
    await record({ ranges: [], position: 90 })
    const result = await record({ ranges: [[90, 92]], position: 92 })
    expect(result.watchedSeconds).toBe(8)
    expect(result.ranges).toEqual([
      [0, 6],
      [90, 92],
    ])
  })

  it('keeps concurrent saves (a beacon racing a periodic save)', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => record({ ranges: [[i * 10, i * 10 + 5]], position: i * 10 + 5 })),
    )
    expect((await getVideoProgress({ userId, lessonKey })).watchedSeconds).toBe(50)
  })

  it('starts over when the recording was replaced by one of another length', async () => {
    await record({ ranges: [[0, 50]], duration: 100 })
    const result = await record({ ranges: [[0, 5]], duration: 60 })
    expect(result.ranges).toEqual([[0, 5]])
  })

  it('keeps progress per user and lesson', async () => {
    await record({ ranges: [[0, 10]] })
    await record({ ranges: [[0, 30]], lessonKey: 'production-operations/other-lesson' })
    expect((await getVideoProgress({ userId, lessonKey })).watchedSeconds).toBe(10)
  })

  it.each([
    ['a range past the end', { ranges: [[90, 101]] }, 'ranges.0 must end within the video'],
    ['a negative start', { ranges: [[-1, 5]] }, 'ranges.0.0 must be 0 or more seconds'],
    ['an inverted range', { ranges: [[10, 5]] }, 'ranges.0 must end after it starts'],
    ['a non-number', { ranges: [['a', 5]] }, 'ranges.0.0 must be a number of seconds'],
    ['not a list', { ranges: 'all of it' }, 'ranges must be a list of [start, end] pairs'],
    [
      'too many ranges',
      { ranges: Array.from({ length: 201 }, (_, i) => [i, i + 0.1]) },
      'at most 200 ranges',
    ],
    ['a position past the end', { ranges: [], position: 150 }, 'position must not be past the end'],
    ['a zero duration', { ranges: [], duration: 0 }, 'duration must be more than 0 seconds'],
    ['a malformed lesson key', { ranges: [], lessonKey: '../etc' }, 'lessonKey must look like'],
  ])('rejects %s with a clear message and stores nothing', async (_label, input, message) => {
    const error = await rejection(record(input))
    expect(error.code).toBe('invalid')
    expect(error.status).toBe(400)
    expect(error.message).toContain('Video progress not saved')
    expect(error.message).toContain(message)
    expect(
      await db().lessonProgress.count({ where: { userId, NOT: { watchedRanges: { equals: [] } } } }),
    ).toBe(0)
  })

  it('rejects a lesson the catalogue does not know when given a validator', async () => {
    const known = new Set([lessonKey])
    const error = await rejection(
      recordVideoProgress({
        userId,
        lessonKey: 'production-operations/no-such-lesson',
        ranges: [[0, 1]],
        position: 1,
        duration: 10,
        isKnownLesson: (key) => known.has(key),
      }),
    )
    expect(error.code).toBe('not-found')
    expect(error.message).toContain('there is no lesson "production-operations/no-such-lesson"')
    const saved = await recordVideoProgress({
      userId,
      lessonKey,
      ranges: [[0, 1]],
      position: 1,
      duration: 10,
      isKnownLesson: (key) => known.has(key),
    })
    expect(saved.watchedSeconds).toBe(1)
  })
})
