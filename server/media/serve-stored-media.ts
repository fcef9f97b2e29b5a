import 'server-only'
import { Readable } from 'node:stream'
import { parseRange } from './serve-media-file'
import type { MediaStorage } from './storage'
import { isSafeKey } from './storage'

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** Only what the pipeline and `npm run videos` publish; never uploads or work in progress. */
const SERVABLE =
  /^(recordings\/[a-z0-9-]+\/[0-9a-f-]{36}|generated\/[a-z0-9-]+)\/[A-Za-z0-9/._-]+\.(m3u8|ts|mp4|jpg|vtt|json)$/

function text(status: number, message: string, headers: Record<string, string> = {}) {
  return new Response(`${message}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  })
}

/** Answers GET/HEAD for a published media object, with byte ranges (HLS segments, the MP4). */
export async function serveStoredMedia({
  storage,
  key,
  method,
  rangeHeader,
}: {
  storage: MediaStorage
  key: string
  method: 'GET' | 'HEAD'
  rangeHeader: string | null
}): Promise<Response> {
  const match = SERVABLE.exec(key)
  if (!match || !isSafeKey(key)) return text(400, 'Not a published media file.')
  const info = await storage.stat(key)
  if (!info) return text(404, `No media file ${key}.`)
  const size = info.size
  const range = parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    return text(416, `Range ${rangeHeader} is outside the file (${size} bytes).`, {
      'Content-Range': `bytes */${size}`,
    })
  }
  const { start, end } = range ?? { start: 0, end: size - 1 }
  const length = size === 0 ? 0 : end - start + 1
  const headers: Record<string, string> = {
    'Content-Type': TYPES[match[2] ?? ''] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    // Only signed-in users may fetch media. A version's files never change (a new upload is a new
    // folder), so the browser may keep them; playlists of generated videos are revalidated.
    'Cache-Control': key.startsWith('recordings/')
      ? 'private, max-age=86400, immutable'
      : 'private, no-cache',
    ETag: `"${size.toString(16)}-${Math.floor(info.modifiedMs).toString(16)}"`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': String(length),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    ...(key.endsWith('/download.mp4') || key.endsWith('/video.mp4')
      ? { 'Content-Disposition': `inline; filename="${key.split('/')[1]}.mp4"` }
      : {}),
  }
  const status = range ? 206 : 200
  if (method === 'HEAD' || length === 0) return new Response(null, { status, headers })
  return new Response(Readable.toWeb(storage.read(key, { start, end })) as ReadableStream<Uint8Array>, {
    status,
    headers,
  })
}
