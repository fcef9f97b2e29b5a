import Link from 'next/link'
import type { Course } from '@/server/content/load-content'
import type { CourseProgress } from '@/server/progress/course-progress'
import styles from './course.module.css'

/** The course sidebar: modules and lessons with completion marks. */
export function CourseNav({
  course,
  progress,
  currentLesson,
}: {
  course: Course
  progress: CourseProgress | null
  currentLesson?: string
}) {
  return (
    <nav aria-label={`${course.title} lessons`} className={styles.courseNav}>
      <Link href={`/courses/${course.slug}`} className={styles.navCourse}>
        {course.title}
      </Link>
      {course.modules.map((m) => (
        <div key={m.slug} className={styles.navModule}>
          <div className={styles.navModuleTitle}>
            {m.order}. {m.title}
          </div>
          <ul>
            {m.lessons.map((l) => {
              const done = progress?.lessons[l.key]?.completed
              return (
                <li key={l.slug}>
                  <Link
                    href={`/courses/${course.slug}/${l.slug}`}
                    aria-current={l.slug === currentLesson ? 'page' : undefined}
                    className={styles.navLesson}
                  >
                    <span
                      className={done ? styles.doneMark : styles.todoMark}
                      aria-label={done ? 'completed' : undefined}
                    >
                      {done ? '✓' : ''}
                    </span>
                    {l.video} {l.title}
                  </Link>
                </li>
              )
            })}
            <li>
              <Link href={`/courses/${course.slug}/quiz/${m.slug}`} className={styles.navLesson}>
                <span
                  className={
                    progress?.modules.find((p) => p.slug === m.slug)?.quizPassed
                      ? styles.doneMark
                      : styles.todoMark
                  }
                >
                  {progress?.modules.find((p) => p.slug === m.slug)?.quizPassed ? '✓' : ''}
                </span>
                Knowledge check
              </Link>
            </li>
          </ul>
        </div>
      ))}
    </nav>
  )
}
