import 'server-only'
// Resumable uploads of recordings (the tus protocol, @tus/server with its file store): the
// browser sends a large file in chunks and, after a dropped connection or a reload, asks how
// much arrived and continues from there (docs/decisions/034-media-pipeline.md).
import path from 'node:path'
import { FileStore } from '@tus/file-store'
import { Server } from '@tus/server'
import { getLessonContext } from '@/server/content/catalog'
import { webConfig } from '@/server/config'
import { db } from '@/server/db'
import { mediaDir } from './media-dir'
import { enqueueProcessing } from './queue'

export const UPLOAD_PATH = '/api/media/uploads'
/** Set by our route handler after it checked the session; whatever a client sends is replaced. */
export const UPLOADER_HEADER = 'x-academy-uploader'

const holder = globalThis as unknown as { academyTus?: Server }

function refuse(status: number, message: string): never {
  throw { status_code: status, body: `${message}\n` }
}

export function tusServer(): Server {
  holder.academyTus ??= new Server({
    path: UPLOAD_PATH,
    datastore: new FileStore({ directory: path.join(mediaDir(), 'uploads') }),
    maxSize: webConfig().MEDIA_UPLOAD_MAX_BYTES,
    relativeLocation: true,
    onUploadCreate: async (req, upload) => {
      const uploader = req.headers.get(UPLOADER_HEADER)
      if (!uploader) refuse(401, 'Sign in as an author or admin to upload recordings.')
      const { courseSlug, lessonSlug, filename } = upload.metadata ?? {}
      if (!courseSlug || !lessonSlug)
        refuse(400, 'The upload must name its course and lesson (courseSlug, lessonSlug).')
      if (!(await getLessonContext(courseSlug, lessonSlug))) {
        refuse(404, `There is no lesson "${lessonSlug}" in course "${courseSlug}".`)
      }
      if (upload.size === undefined) refuse(400, 'The upload must say its size (Upload-Length).')
      await db().lessonRecording.create({
        data: {
          courseSlug,
          lessonSlug,
          uploadId: upload.id,
          fileName: (filename ?? 'recording').slice(0, 200),
          sizeBytes: BigInt(upload.size),
          state: 'uploading',
          uploadedById: uploader,
        },
      })
      return {}
    },
    onUploadFinish: async (_req, upload) => {
      const recording = await db().lessonRecording.update({
        where: { uploadId: upload.id },
        data: { state: 'processing', stage: 'waiting for the worker', progress: 0 },
      })
      await enqueueProcessing(recording.id)
      return {}
    },
  })
  return holder.academyTus
}
