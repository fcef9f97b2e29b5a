import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { Quiz } from '@/app/_components/quiz/quiz'
import { CourseNav } from '@/app/courses/_components/course-nav'
import styles from '@/app/courses/_components/course.module.css'
import { getCourse } from '@/server/content/catalog'
import { getCourseProgress } from '@/server/progress/course-progress'
import { getBestQuizScore } from '@/server/quizzes/get-best-quiz-score'
import { toPublicQuiz } from '@/server/quizzes/to-public-quiz'
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

export default async function QuizPage({ params }: Params) {
  const found = await load(params)
  if (!found) notFound()
  const { course, mod } = found
  const user = await requireUser(`/courses/${course.slug}/quiz/${mod.slug}`)
  const [progress, best] = await Promise.all([
    getCourseProgress({ userId: user.id, course }),
    getBestQuizScore({ userId: user.id, quizKey: mod.quiz.key }),
  ])
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
        <p className="muted">
          {mod.quiz.questions.length} questions · pass mark {mod.quiz.passPercent}% · your best attempt
          counts.
        </p>
        <Quiz quiz={toPublicQuiz(mod.quiz)} best={best} />
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
