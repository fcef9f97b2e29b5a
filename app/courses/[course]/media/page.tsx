import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { webConfig } from '@/server/config'
import { getCourse } from '@/server/content/catalog'
import { courseMedia } from '@/server/media/course-media'
import { MEDIA_ROLES } from '@/server/media/media-access'
import { requireRole } from '@/server/session/current-user'
import { MediaManager } from './_components/media-manager'

type Params = { params: Promise<{ course: string }> }

export const metadata: Metadata = { title: 'Course media' }

/** Authors and admins: every lesson's recording, captions and chapters, with uploads and processing live. */
export default async function CourseMediaPage({ params }: Params) {
  const { course: courseSlug } = await params
  await requireRole(`/courses/${courseSlug}/media`, MEDIA_ROLES)
  const course = await getCourse(courseSlug)
  if (!course) notFound()
  const { MEDIA_UPLOAD_CHUNK_BYTES, MEDIA_UPLOAD_MAX_BYTES } = webConfig()
  return (
    <div>
      <div className="muted">
        <Link href={`/courses/${course.slug}`}>{course.title}</Link> › Media
      </div>
      <h1>Course media</h1>
      <p className="muted">
        Upload a recording per lesson (any common video format, up to{' '}
        {Math.floor(MEDIA_UPLOAD_MAX_BYTES / 1024 ** 3)} GiB). Uploads resume after a dropped connection or a
        reload: choose the same file again. Each recording is converted for streaming; until it is ready,
        learners keep the version they had (the previous recording, or the narrated summary generated from the
        notes).
      </p>
      <MediaManager
        courseSlug={course.slug}
        initialLessons={await courseMedia(course.slug)}
        chunkSize={MEDIA_UPLOAD_CHUNK_BYTES}
        maxBytes={MEDIA_UPLOAD_MAX_BYTES}
      />
    </div>
  )
}
