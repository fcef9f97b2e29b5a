import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { formatScore } from '@/app/_components/quiz/format-score'
import { Quiz, ReviewTopics } from '@/app/_components/quiz/quiz'
import { QuizCountdown } from '@/app/_components/quiz/quiz-countdown'
import { QuizReview } from '@/app/_components/quiz/quiz-review'
import { CourseNav } from '@/app/courses/_components/course-nav'
import styles from '@/app/courses/_components/course.module.css'
import { getCourse } from '@/server/content/catalog'
import { getCourseProgress } from '@/server/progress/course-progress'
import { listAttemptReviews } from '@/server/quizzes/list-attempt-reviews'
import { formatMinutes } from '@/server/quizzes/quiz-standing'
import { resolveQuizPolicy } from '@/server/quizzes/resolve-quiz-policy'
import { toReviewTopics } from '@/server/quizzes/review-topics'
import { startQuizAttempt } from '@/server/quizzes/start-quiz-attempt'
import type { QuizPolicy } from '@/server/quizzes/types'
import { requireUser } from '@/server/session/current-user'

type Params = { params: Promise<{ course: string; module: string }> }

async function load(params: Params['params']) {
  const { course: courseSlug, module: moduleSlug } = await params
  const course = await getCourse(courseSlug)
  const mod = course?.modules.find((m) => m.slug === moduleSlug)
  return course && mod ? { course, mod } : undefined
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const found = await load(params)
  return { title: found ? `Knowledge check: ${found.mod.title}` : 'Quiz not found' }
}

function policyText(policy: QuizPolicy): string {
  const attempts = `${policy.maxAttempts} ${policy.maxAttempts === 1 ? 'attempt' : 'attempts'}`
  const cooldown =
    policy.cooldownMinutes > 0
      ? `, a ${formatMinutes(policy.cooldownMinutes)} wait after each failed attempt from the second on`
      : ''
  const source = policy.source.kind === 'cohort' ? ` (set for ${policy.source.cohortName})` : ''
  return `${attempts}${cooldown}${source}`
}

export default async function QuizPage({ params }: Params) {
  const found = await load(params)
  if (!found) notFound()
  const { course, mod } = found
  const user = await requireUser(`/courses/${course.slug}/quiz/${mod.slug}`)
  const policy = await resolveQuizPolicy({ userId: user.id, courseSlug: course.slug })
  const [progress, started, reviews] = await Promise.all([
    getCourseProgress({ userId: user.id, course }),
    startQuizAttempt({ userId: user.id, quiz: mod.quiz, policy }),
    listAttemptReviews({ userId: user.id, quiz: mod.quiz }),
  ])
  const { standing } = started
  // The topics of the latest failed attempt stay on the page after a reload (the answer key does not).
  const last = reviews.at(-1)
  const lastTopics =
    last && !last.passed && !standing.reviewUnlocked && last.questions
      ? await toReviewTopics(
          course.slug,
          last.questions
            .filter((q) => !q.correct)
            .map((q) => mod.quiz.questions.find((p) => p.id === q.questionId)!.topic),
        )
      : []
  const nextModule = course.modules.find((m) => m.order === mod.order + 1)
  return (
    <div className={`${styles.layout} ${styles.layoutNoToc}`}>
      <aside className={styles.sidebar}>
        <CourseNav course={course} progress={progress} />
      </aside>
      <article style={{ maxWidth: '48rem' }}>
        <div className={styles.breadcrumb}>
          <Link href={`/courses/${course.slug}`}>{course.title}</Link> › Module {mod.order}: {mod.title}
        </div>
        <h1>Knowledge check: {mod.title}</h1>
        <p className="muted" data-testid="quiz-policy">
          {mod.quiz.questionsPerAttempt} questions drawn from a pool of {mod.quiz.questions.length} · pass
          mark {mod.quiz.passPercent}% · {policyText(policy)} · your best attempt counts. After each attempt
          you see your score and the topics to review; the answers open once you pass or have used every
          attempt.
        </p>
        {standing.best && (
          <p className="muted" data-testid="quiz-best">
            Your best so far: {formatScore(standing.best)}
            {standing.best.passed ? ' (passed)' : ''} · {standing.attemptsUsed} of {policy.maxAttempts}{' '}
            {policy.maxAttempts === 1 ? 'attempt' : 'attempts'} used
          </p>
        )}
        {started.status === 'blocked' ? (
          <p className={standing.passed ? 'alert info' : 'alert'} data-testid="quiz-blocked">
            {standing.blockedReason}
            {standing.nextAttemptAt && <QuizCountdown until={standing.nextAttemptAt} />}
          </p>
        ) : (
          <>
            {lastTopics.length > 0 && <ReviewTopics topics={lastTopics} />}
            <Quiz attempt={started.attempt} />
          </>
        )}
        {standing.reviewUnlocked && reviews.length > 0 && (
          <section aria-labelledby="quiz-review-heading" style={{ marginTop: '2rem' }}>
            <h2 id="quiz-review-heading">Review of your attempts</h2>
            <QuizReview attempts={reviews} />
          </section>
        )}
        {started.status === 'blocked' && standing.nextAttemptAt && lastTopics.length > 0 && (
          <ReviewTopics topics={lastTopics} />
        )}
        {nextModule && (
          <p style={{ marginTop: '2rem' }}>
            Next module:{' '}
            <Link href={`/courses/${course.slug}/${nextModule.lessons[0]!.slug}`}>
              {nextModule.order}. {nextModule.title}
            </Link>
          </p>
        )}
      </article>
    </div>
  )
}
