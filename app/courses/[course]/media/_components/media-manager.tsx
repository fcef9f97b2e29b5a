'use client'

import { useCallback, useEffect, useRef, useState } from 'react'
import * as tus from 'tus-js-client'
import type { CourseMediaLesson } from '@/server/media/course-media'
import styles from './media-manager.module.css'

interface Props {
  courseSlug: string
  initialLessons: CourseMediaLesson[]
  chunkSize: number
  maxBytes: number
}

interface UploadView {
  fileName: string
  percent: number
  status: string
  error?: string
  resumedFrom?: number
}

const POLL_MS = 1500
/** A dropped connection is retried for about a minute before the upload waits for the author. */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000]

function formatDuration(seconds: number | null | undefined): string {
  if (!seconds) return '—'
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds % 60)
  return `${m}:${String(s).padStart(2, '0')}`
}

function stateLabel(lesson: CourseMediaLesson): string {
  switch (lesson.state) {
    case 'none':
      return lesson.generated ? 'No recording (narrated summary plays)' : 'No recording'
    case 'uploading':
      return 'Uploading'
    case 'processing':
      return `Processing — ${lesson.pending?.stage ?? 'waiting'} (${lesson.pending?.progress ?? 0} %)`
    case 'ready':
      return 'Ready'
    case 'failed':
      return 'Failed'
  }
}

async function post(courseSlug: string, lessonSlug: string, body: Record<string, unknown>) {
  const res = await fetch(`/api/media/lessons/${lessonSlug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ courseSlug, ...body }),
  })
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>
  if (!res.ok)
    throw new Error(typeof json.error === 'string' ? json.error : `The server answered ${res.status}.`)
  return json
}

export function MediaManager({ courseSlug, initialLessons, chunkSize, maxBytes }: Props) {
  const [lessons, setLessons] = useState(initialLessons)
  const [uploads, setUploads] = useState<Record<string, UploadView>>({})
  const active = useRef(new Map<string, tus.Upload>())

  const refresh = useCallback(async () => {
    const res = await fetch(`/api/media/courses/${courseSlug}`, { cache: 'no-store' })
    if (res.ok) setLessons(((await res.json()) as { lessons: CourseMediaLesson[] }).lessons)
  }, [courseSlug])

  const busy =
    lessons.some((l) => l.state === 'uploading' || l.state === 'processing') ||
    Object.values(uploads).some((u) => u.percent < 100 && !u.error)
  useEffect(() => {
    if (!busy) return
    const timer = window.setInterval(() => void refresh(), POLL_MS)
    return () => window.clearInterval(timer)
  }, [busy, refresh])

  const setUpload = (slug: string, patch: Partial<UploadView>) =>
    setUploads((all) => ({
      ...all,
      [slug]: { ...(all[slug] ?? { fileName: '', percent: 0, status: '' }), ...patch },
    }))

  const startUpload = async (lesson: CourseMediaLesson, file: File) => {
    if (file.size > maxBytes) {
      setUpload(lesson.lessonSlug, {
        fileName: file.name,
        error: `${file.name} is ${(file.size / 1024 ** 3).toFixed(1)} GiB; the limit is ${(maxBytes / 1024 ** 3).toFixed(1)} GiB.`,
      })
      return
    }
    active.current
      .get(lesson.lessonSlug)
      ?.abort()
      .catch(() => {})
    const upload = new tus.Upload(file, {
      endpoint: '/api/media/uploads',
      chunkSize,
      retryDelays: RETRY_DELAYS,
      metadata: { courseSlug, lessonSlug: lesson.lessonSlug, filename: file.name, filetype: file.type },
      // The lesson is part of the fingerprint: the same file chosen for two lessons is two uploads.
      fingerprint: async (f) =>
        ['helix-media', courseSlug, lesson.lessonSlug, f.name, f.size, f.lastModified].join(':'),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) =>
        setUpload(lesson.lessonSlug, {
          percent: Math.floor((sent / total) * 100),
          status: 'Uploading',
          error: undefined,
        }),
      onShouldRetry: (error, attempt) => {
        const status = (error as tus.DetailedError).originalResponse?.getStatus() ?? 0
        const retry = status === 0 || status === 409 || status === 423 || status >= 500
        if (retry) {
          setUpload(lesson.lessonSlug, {
            status: `Connection lost — retrying (attempt ${attempt + 1} of ${RETRY_DELAYS.length})`,
          })
        }
        return retry
      },
      onError: (error) => {
        const response = (error as tus.DetailedError).originalResponse
        const body = response?.getBody()?.trim()
        setUpload(lesson.lessonSlug, {
          error: body
            ? `Upload stopped: ${body}`
            : 'Upload interrupted: the connection was lost. Choose the same file again to continue where it stopped.',
        })
        void refresh()
      },
      onSuccess: () => {
        setUpload(lesson.lessonSlug, { percent: 100, status: 'Uploaded — processing starts' })
        active.current.delete(lesson.lessonSlug)
        void refresh()
      },
    })
    active.current.set(lesson.lessonSlug, upload)
    const previous = await upload.findPreviousUploads()
    const resumable = previous[0]
    if (resumable) upload.resumeFromPreviousUpload(resumable)
    setUpload(lesson.lessonSlug, {
      fileName: file.name,
      percent: 0,
      status: resumable ? 'Resuming the earlier upload' : 'Starting upload',
      error: undefined,
      resumedFrom: resumable ? 1 : undefined,
    })
    upload.start()
    void refresh()
  }

  return (
    <ol className={styles.lessons}>
      {lessons.map((lesson) => (
        <LessonMedia
          key={lesson.lessonSlug}
          courseSlug={courseSlug}
          lesson={lesson}
          upload={uploads[lesson.lessonSlug]}
          onFile={(file) => void startUpload(lesson, file)}
          onChanged={() => void refresh()}
        />
      ))}
    </ol>
  )
}

function LessonMedia({
  courseSlug,
  lesson,
  upload,
  onFile,
  onChanged,
}: {
  courseSlug: string
  lesson: CourseMediaLesson
  upload?: UploadView
  onFile: (file: File) => void
  onChanged: () => void
}) {
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null)
  const [captions, setCaptions] = useState(lesson.captionsVtt ?? '')
  const [chapters, setChapters] = useState(
    lesson.chapters.map((c) => `${formatDuration(c.startS)} ${c.title}`).join('\n'),
  )
  const slug = lesson.lessonSlug
  const act = async (body: Record<string, unknown>, done: (json: Record<string, unknown>) => string) => {
    try {
      const json = await post(courseSlug, slug, body)
      setMessage({ kind: 'info', text: done(json) })
      onChanged()
      return json
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) })
      return null
    }
  }
  const outline = lesson.outlineMinutes * 60
  const duration = lesson.ready?.durationS ?? null

  return (
    <li className={`card ${styles.lesson}`} data-testid={`media-lesson-${slug}`}>
      <div className={styles.head}>
        <strong>
          {lesson.video} · {lesson.title}
        </strong>
        <span className={`pill ${styles[lesson.state]}`} data-testid={`media-state-${slug}`}>
          {stateLabel(lesson)}
        </span>
      </div>
      <dl className={styles.facts}>
        <dt>Duration</dt>
        <dd data-testid={`media-duration-${slug}`}>
          {formatDuration(duration)} of {formatDuration(outline)} in the outline
          {duration !== null && Math.abs(duration - outline) > outline * 0.25 && ' (more than 25 % off)'}
        </dd>
        <dt>Ladder</dt>
        <dd>{lesson.ready ? lesson.ready.renditions.map((h) => `${h}p`).join(' · ') : '—'}</dd>
        <dt>Captions</dt>
        <dd data-testid={`media-captions-${slug}`}>
          {lesson.captionCues ? `${lesson.captionCues} cues` : 'none'}
        </dd>
        <dt>Chapters</dt>
        <dd data-testid={`media-chapters-${slug}`}>{lesson.chapters.length || 'none'}</dd>
      </dl>

      {lesson.state === 'processing' && (
        <progress
          className={styles.bar}
          max={100}
          value={lesson.pending?.progress ?? 0}
          aria-label={`Processing of ${lesson.title}`}
        />
      )}
      {lesson.state === 'failed' && lesson.pending && (
        <div className="alert error" role="alert" data-testid={`media-error-${slug}`}>
          Processing {lesson.pending.fileName} failed: {lesson.pending.error}
          {lesson.ready && ' The previous recording keeps playing.'}{' '}
          <button
            type="button"
            className="button small"
            onClick={() =>
              void act({ action: 'retry', recordingId: lesson.pending?.id }, () => 'Queued again.')
            }
          >
            Retry processing
          </button>
        </div>
      )}

      <div className={styles.actions}>
        <label className="button small">
          {lesson.ready || lesson.pending ? 'Upload a new recording' : 'Upload recording'}
          <input
            type="file"
            accept="video/*,.mkv,.mov,.mp4,.webm"
            className={styles.hiddenInput}
            aria-label={`Recording file for ${lesson.title}`}
            onChange={(event) => {
              const file = event.target.files?.[0]
              if (file) onFile(file)
              event.target.value = ''
            }}
          />
        </label>
        {(lesson.ready || lesson.pending) && (
          <button
            type="button"
            className="button small"
            onClick={() => {
              if (!window.confirm(`Remove the uploaded recording of "${lesson.title}"?`)) return
              void act({ action: 'remove' }, () =>
                lesson.generated ? 'Removed; the narrated summary plays again.' : 'Removed.',
              )
            }}
          >
            Remove recording
          </button>
        )}
      </div>

      {upload && (
        <div className={styles.upload} data-testid={`upload-status-${slug}`}>
          <progress
            className={styles.bar}
            max={100}
            value={upload.percent}
            aria-label={`Upload of ${lesson.title}`}
          />
          <span>
            {upload.fileName}: {upload.error ?? `${upload.status} — ${upload.percent} %`}
          </span>
        </div>
      )}

      <details className={styles.editor}>
        <summary>Captions (WebVTT or SRT)</summary>
        <label>
          Load a file{' '}
          <input
            type="file"
            accept=".vtt,.srt,text/vtt"
            aria-label={`Captions file for ${lesson.title}`}
            onChange={async (event) => {
              const file = event.target.files?.[0]
              if (!file) return
              const text = await file.text()
              setCaptions(text)
              const json = await act(
                { action: 'save-captions', text },
                (j) => `Captions saved: ${j.cues} cues.`,
              )
              if (json) onChanged()
              event.target.value = ''
            }}
          />
        </label>
        <textarea
          className={styles.text}
          rows={8}
          value={captions}
          onChange={(e) => setCaptions(e.target.value)}
          aria-label={`Captions for ${lesson.title}`}
          spellCheck={false}
        />
        <button
          type="button"
          className="button small"
          onClick={() =>
            void act({ action: 'save-captions', text: captions }, (j) => `Captions saved: ${j.cues} cues.`)
          }
        >
          Save captions
        </button>
      </details>

      <details className={styles.editor}>
        <summary>Chapters</summary>
        <textarea
          className={styles.text}
          rows={6}
          value={chapters}
          placeholder={'0:00 Introduction\n1:30 Failover'}
          onChange={(e) => setChapters(e.target.value)}
          aria-label={`Chapters for ${lesson.title}`}
          spellCheck={false}
        />
        <button
          type="button"
          className="button small"
          onClick={() =>
            void act({ action: 'propose-chapters' }, (j) => {
              setChapters(String(j.text ?? ''))
              return 'Proposed from the lesson headings; adjust the times, then save.'
            })
          }
        >
          Propose from headings
        </button>{' '}
        <button
          type="button"
          className="button small"
          onClick={() =>
            void act({ action: 'save-chapters', text: chapters }, (j) => `Chapters saved: ${j.chapters}.`)
          }
        >
          Save chapters
        </button>
      </details>

      {message && (
        <p
          className={`alert ${message.kind} ${styles.message}`}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid={`media-message-${slug}`}
        >
          {message.text}
        </p>
      )}
    </li>
  )
}
