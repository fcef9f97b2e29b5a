import type { Metadata } from 'next'
import { completionRules } from '@/config/completion-rules'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { setLessonBookmarkAction } from '@/app/_actions/lesson-progress'
import { MdxContent } from '@/app/_components/mdx/mdx-content'
import { VideoPlayer } from '@/app/_components/video/video-player'
import { CourseNav } from '@/app/courses/_components/course-nav'
import styles from '@/app/courses/_components/course.module.css'
import { ReadSentinel } from '@/app/courses/_components/read-sentinel'
import { TableOfContents } from '@/app/courses/_components/table-of-contents'
import { getLessonContext } from '@/server/content/catalog'
import { compileMdx } from '@/server/content/compile-mdx'
import { findRecording } from '@/server/media/find-recording'
import { resolveLessonVideo, type LessonVideo } from '@/server/media/recordings'
import { getCourseProgress } from '@/server/progress/course-progress'
import { countWords, minReadSeconds, recordLessonVisit } from '@/server/progress/lesson-progress'
import { getVideoProgress } from '@/server/progress/record-video-progress'
import { getCurrentUser } from '@/server/session/current-user'

type Params = { params: Promise<{ course: string; lesson: string }> }

const GENERATED_LABEL = 'Narrated summary — generated from the notes'

/**
 * What the lesson plays: an uploaded recording, else the generated narrated video, else a
 * file an operator dropped into the media folder by hand (docs/decisions/008, 034).
 */
async function lessonRecording(
  lessonSlug: string,
): Promise<(Partial<LessonVideo> & Pick<LessonVideo, 'src' | 'type' | 'chapters'>) | null> {
  return (await resolveLessonVideo(lessonSlug)) ?? (await findRecording(lessonSlug))
}

const LAB_TITLES: Record<string, string> = {
  'ha-setup': 'Lab 1: HA Setup',
  'monitoring-stack': 'Lab 2: Monitoring Stack',
  'incident-simulation': 'Lab 3: Incident Simulation',
  'dr-test': 'Lab 4: DR Test',
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { course, lesson } = await params
  const ctx = await getLessonContext(course, lesson)
  return { title: ctx ? `${ctx.lesson.title} — ${ctx.course.title}` : 'Lesson not found' }
}

export default async function LessonPage({ params }: Params) {
  const { course: courseSlug, lesson: lessonSlug } = await params
  const ctx = await getLessonContext(courseSlug, lessonSlug)
  if (!ctx) notFound()
  const { course, module, lesson, previous, next } = ctx
  const user = await getCurrentUser()
  if (user) await recordLessonVisit({ userId: user.id, lessonKey: lesson.key })
  const [compiled, progress, recording, video] = await Promise.all([
    compileMdx(lesson.source, lesson.file),
    user ? getCourseProgress({ userId: user.id, course }) : null,
    lessonRecording(lesson.slug),
    user ? getVideoProgress({ userId: user.id, lessonKey: lesson.key }) : null,
  ])
  const status = progress?.lessons[lesson.key]

  return (
    <div className={styles.layout}>
      <aside className={styles.sidebar}>
        <CourseNav course={course} progress={progress} currentLesson={lesson.slug} />
      </aside>
      <article>
        <div className={styles.breadcrumb}>
          <Link href={`/courses/${course.slug}`}>{course.title}</Link> › Module {module.order}: {module.title}
        </div>
        <h1>{lesson.title}</h1>
        <div className={styles.meta}>
          <span className="pill">Video {lesson.video}</span>
          <span className="pill">{lesson.durationMinutes} min</span>
          {status?.completed && (
            <span className="pill" data-testid="lesson-completed">
              ✓ Completed
            </span>
          )}
          {status?.bookmarked && (
            <span className="pill" data-testid="lesson-bookmarked">
              Bookmarked as done
            </span>
          )}
        </div>
        {recording ? (
          user ? (
            <VideoPlayer
              lessonKey={lesson.key}
              src={recording.src}
              type={recording.type}
              captionsSrc={recording.captionsSrc}
              hlsSrc={recording.hlsSrc}
              posterSrc={recording.posterSrc}
              thumbnailsSrc={recording.thumbnailsSrc}
              downloadSrc={recording.downloadSrc}
              label={recording.source === 'generated' ? GENERATED_LABEL : undefined}
              chapters={recording.chapters}
              initialPosition={video?.position ?? 0}
              initialWatchedRanges={video?.ranges ?? []}
            />
          ) : (
            <p className={styles.notice}>
              <Link href={`/sign-in?next=/courses/${course.slug}/${lesson.slug}`}>Sign in</Link> to watch this
              lesson&apos;s video.
            </p>
          )
        ) : (
          <p className={styles.notice} data-testid="no-recording">
            No recording yet — this lesson&apos;s notes cover everything in the video.
          </p>
        )}
        <section aria-label="Topics" className="card" style={{ marginBottom: '1.5rem' }}>
          <strong>In this lesson</strong>
          <ul style={{ margin: '0.4rem 0 0' }}>
            {lesson.topics.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </section>
        <MdxContent code={compiled.code} />
        {user && <ReadSentinel lessonKey={lesson.key} alreadyRead={Boolean(status?.completed)} />}
        <footer className={styles.lessonFooter}>
          {lesson.labs.length > 0 && (
            <div>
              <strong>Practise it: </strong>
              {lesson.labs.map((slug, i) => (
                <span key={slug}>
                  {i > 0 && ' · '}
                  <Link href={`/labs/${slug}`}>{LAB_TITLES[slug]}</Link>
                </span>
              ))}
            </div>
          )}
          {user ? (
            <div>
              <form action={setLessonBookmarkAction}>
                <input type="hidden" name="lessonKey" value={lesson.key} />
                <input type="hidden" name="bookmarked" value={status?.bookmarked ? 'false' : 'true'} />
                <button type="submit" className="button">
                  {status?.bookmarked ? 'Remove bookmark' : 'Bookmark as done'}
                </button>
              </form>
              <p className="muted" data-testid="completion-rule">
                {status?.completed
                  ? 'This lesson counts as complete toward your grade.'
                  : `The bookmark is just for you and does not count toward your grade. The lesson counts as complete
                    when you have read the notes to the end (at least ${minReadSeconds(countWords(lesson.source))} s
                    on this page) or watched ${Math.round(completionRules.videoShare * 100)} % of the video.`}
              </p>
            </div>
          ) : (
            <p className="muted">
              <Link href={`/sign-in?next=/courses/${course.slug}/${lesson.slug}`}>Sign in</Link> to save your
              progress.
            </p>
          )}
          <nav className={styles.pager} aria-label="Lesson navigation">
            {previous && (
              <Link href={`/courses/${course.slug}/${previous.slug}`} rel="prev">
                <small>← Previous</small>
                {previous.title}
              </Link>
            )}
            {next ? (
              <Link href={`/courses/${course.slug}/${next.slug}`} rel="next" className={styles.pagerNext}>
                <small>Next →</small>
                {next.title}
              </Link>
            ) : (
              <Link href={`/courses/${course.slug}/pages/course-completion`} className={styles.pagerNext}>
                <small>Next →</small>
                Course completion
              </Link>
            )}
          </nav>
        </footer>
      </article>
      <TableOfContents headings={compiled.headings} />
    </div>
  )
}
