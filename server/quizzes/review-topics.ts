import 'server-only'
import { slug } from 'github-slugger'
import { getCourse } from '@/server/content/catalog'
import type { QuizTopic, ReviewTopic } from './types'

/** Heading text as rendered (inline code and emphasis marks dropped), which rehype-slug turns into the id. */
function headingText(heading: string): string {
  return heading.replace(/[`*_]/g, '')
}

/**
 * Lesson sections to re-read, deduplicated and in course order (not question order), each with
 * a link to its heading. `courseSlug` is the quiz key's first part.
 */
export async function toReviewTopics(
  courseSlug: string,
  topics: readonly QuizTopic[],
): Promise<ReviewTopic[]> {
  const course = await getCourse(courseSlug)
  const lessons = course?.lessons ?? []
  const position = (t: QuizTopic) => {
    const lesson = lessons.findIndex((l) => l.slug === t.lesson)
    const heading = lessons[lesson]?.source.indexOf(t.heading) ?? -1
    return lesson * 1_000_000 + heading
  }
  const unique = [...new Map(topics.map((t) => [`${t.lesson}#${t.heading}`, t])).values()]
  return unique
    .sort((a, b) => position(a) - position(b))
    .map((t) => ({
      lesson: t.lesson,
      lessonTitle: lessons.find((l) => l.slug === t.lesson)?.title ?? t.lesson,
      heading: headingText(t.heading),
      href: `/courses/${courseSlug}/${t.lesson}#${slug(headingText(t.heading))}`,
    }))
}
