import 'server-only'
import { requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { listAttemptReviews } from './list-attempt-reviews'
import { getQuizStanding } from './quiz-standing'
import { resolveQuizPolicy } from './resolve-quiz-policy'
import type { AttemptReview, QuizStanding } from './types'

export interface LearnerQuizAttempts {
  quizKey: string
  moduleTitle: string
  standing: QuizStanding
  attempts: AttemptReview[]
}

/**
 * Every attempt of one learner at every quiz of the cohort's course, with the full review, for
 * an instructor of that cohort (instructors see answers at once; learners only after passing or
 * running out of attempts). The learner must be an active member of the cohort.
 */
export async function loadLearnerQuizAttempts({
  actor,
  cohortId,
  learnerId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  learnerId: string
}): Promise<LearnerQuizAttempts[]> {
  const cohort = await requireCohortInstructor({ actor, cohortId })
  const member = await db().cohortMember.findFirst({
    where: { cohortId, userId: learnerId, removedAt: null },
    select: { userId: true },
  })
  if (!member) throw new AppError('not-found', 'That learner is not in this cohort.')
  const course = await getCourse(cohort.courseSlug)
  if (!course) return []
  const policy = await resolveQuizPolicy({ userId: learnerId, courseSlug: course.slug })
  return Promise.all(
    course.modules.map(async (mod) => ({
      quizKey: mod.quiz.key,
      moduleTitle: mod.title,
      standing: await getQuizStanding({ userId: learnerId, quizKey: mod.quiz.key, policy }),
      attempts: await listAttemptReviews({ userId: learnerId, quiz: mod.quiz }),
    })),
  )
}
