import 'server-only'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { mediaContentType } from './media-files'

export type ByteRange = { start: number; end: number }

/**
 * The byte range a `Range` header asks for in a file of `size` bytes: `null` when there is no
 * usable single range (serve the whole file), `'unsatisfiable'` for a range that cannot be
 * served (answer 416). Multiple ranges are not supported and are served as the whole file,
 * which RFC 9110 allows; media elements only ever ask for one.
 */
export function parseRange(header: string | null, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return header.trim().startsWith('bytes=') && !header.includes(',') ? 'unsatisfiable' : null
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return 'unsatisfiable'
  if (first === '') {
    // `bytes=-N`: the last N bytes.
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || (last !== '' && Number(last) < start)) return 'unsatisfiable'
  return { start, end }
}

function textResponse(status: number, message: string, headers: Record<string, string> = {}) {
  return new Response(`${message}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  })
}

/**
 * Answers a GET or HEAD for `fileName` in the media folder `dir`, with HTTP Range support so
 * the player can seek. Only names of the media file pattern are served, which rules out paths
 * (no `/`, no `..`); the caller checks that the user is signed in.
 */
export async function serveMediaFile({
  dir,
  fileName,
  method = 'GET',
  rangeHeader = null,
}: {
  dir: string
  fileName: string
  method?: 'GET' | 'HEAD'
  rangeHeader?: string | null
}): Promise<Response> {
  const contentType = mediaContentType(fileName)
  if (!contentType) {
    return textResponse(
      400,
      'Not a media file name: expected <lesson-slug>.webm|mp4|wav|vtt or <lesson-slug>.chapters.json.',
    )
  }
  const file = path.join(dir, fileName)
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return textResponse(404, `No media file named ${fileName}.`)

  const size = info.size
  const common: Record<string, string> = {
    'Content-Type': contentType,
    'Accept-Ranges': 'bytes',
    // Only signed-in users may fetch media, so shared caches must not keep it.
    'Cache-Control': 'private, max-age=86400',
    'Last-Modified': info.mtime.toUTCString(),
    ETag: `"${size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
    'X-Content-Type-Options': 'nosniff',
  }

  const range = parseRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    return textResponse(416, `Range ${rangeHeader} is outside the file (${size} bytes).`, {
      'Accept-Ranges': 'bytes',
      'Content-Range': `bytes */${size}`,
    })
  }
  const { start, end } = range ?? { start: 0, end: size - 1 }
  const length = size === 0 ? 0 : end - start + 1
  const headers = {
    ...common,
    'Content-Length': String(length),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  }
  const status = range ? 206 : 200
  if (method === 'HEAD' || length === 0) return new Response(null, { status, headers })

  const stream = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>
  return new Response(stream, { status, headers })
}
