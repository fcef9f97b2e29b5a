import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { loadLearnerQuizAttempts } from './load-learner-quiz-attempts'
import { startQuizAttempt } from './start-quiz-attempt'
import { submitQuizAttempt } from './submit-quiz-attempt'
import { answersFor, newTestUser, readContentQuiz } from './test-support/read-content-quiz'
import type { QuizPolicy } from './types'

const policy: QuizPolicy = { maxAttempts: 3, cooldownMinutes: 60, source: { kind: 'course' } }

describe('loadLearnerQuizAttempts', () => {
  it("shows the cohort's instructor every attempt with answers before the learner may see them, and no one else", async () => {
    const [teacher, stranger, learner] = [
      await newTestUser('Teacher'),
      await newTestUser('Stranger'),
      await newTestUser('Learner'),
    ]
    await db().user.updateMany({ where: { id: { in: [teacher, stranger] } }, data: { role: 'instructor' } })
    const cohortId = randomUUID()
    await db().cohort.create({
      data: {
        id: cohortId,
        name: 'Spring cohort',
        courseSlug: 'production-operations',
        createdById: teacher,
        instructors: { create: { userId: teacher } },
        members: { create: { userId: learner } },
      },
      select: { id: true },
    })
    const quiz = await readContentQuiz('05-incident-response')
    const started = await startQuizAttempt({ userId: learner, quiz, policy })
    if (started.status !== 'open') throw new Error('expected an open attempt')
    const answers = await answersFor(quiz, started.attempt.attemptId, 3)
    await submitQuizAttempt({ userId: learner, quiz, policy, attemptId: started.attempt.attemptId, answers })

    const seen = await loadLearnerQuizAttempts({
      actor: { id: teacher, role: 'instructor' },
      cohortId,
      learnerId: learner,
    })
    const incident = seen.find((q) => q.quizKey === quiz.key)!
    expect(incident.standing).toMatchObject({ attemptsUsed: 1, reviewUnlocked: false })
    expect(incident.attempts).toHaveLength(1)
    const questions = incident.attempts[0]!.questions!
    expect(questions.map((q) => q.questionId)).toEqual(started.attempt.questions.map((q) => q.id))
    expect(questions.map((q) => q.choices)).toEqual(started.attempt.questions.map((q) => q.choices))
    expect(questions.map((q) => q.chosen)).toEqual(started.attempt.questions.map((q) => answers[q.id]))
    expect(questions.filter((q) => q.correct)).toHaveLength(3)

    await expect(
      loadLearnerQuizAttempts({ actor: { id: stranger, role: 'instructor' }, cohortId, learnerId: learner }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      loadLearnerQuizAttempts({ actor: { id: teacher, role: 'instructor' }, cohortId, learnerId: stranger }),
    ).rejects.toMatchObject({ code: 'not-found' })
  })
})
