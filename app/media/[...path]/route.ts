import { mediaDir } from '@/server/media/media-dir'
import { mediaStorage } from '@/server/media/media-storage'
import { captionsFor } from '@/server/media/recordings'
import { serveMediaFile } from '@/server/media/serve-media-file'
import { serveStoredMedia } from '@/server/media/serve-stored-media'
import { getCurrentUser } from '@/server/session/current-user'

export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ path: string[] }> }

// /media/<slug>.<ext>                  a recording an operator dropped in (docs/decisions/008)
// /media/captions/<slug>.vtt           captions an author gave an uploaded recording
// /media/recordings/<slug>/<id>/...    an uploaded recording, processed (HLS, MP4, poster, previews)
// /media/generated/<slug>/...          the narrated video generated from the notes
async function serve(request: Request, { params }: Context, method: 'GET' | 'HEAD') {
  if (!(await getCurrentUser())) {
    return new Response('Sign in to watch lesson recordings.\n', {
      status: 401,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    })
  }
  const { path } = await params
  const rangeHeader = request.headers.get('range')
  if (path.length === 1) {
    return serveMediaFile({ dir: mediaDir(), fileName: path[0] ?? '', method, rangeHeader })
  }
  const captions =
    path.length === 2 && path[0] === 'captions' ? /^([a-z0-9-]+)\.vtt$/.exec(path[1] ?? '') : null
  if (captions?.[1]) {
    const vtt = await captionsFor(captions[1])
    if (vtt === null) return new Response('No captions for this lesson.\n', { status: 404 })
    return new Response(method === 'HEAD' ? null : vtt, {
      headers: { 'Content-Type': 'text/vtt; charset=utf-8', 'Cache-Control': 'private, no-cache' },
    })
  }
  return serveStoredMedia({ storage: mediaStorage(), key: path.join('/'), method, rangeHeader })
}

export function GET(request: Request, context: Context) {
  return serve(request, context, 'GET')
}

export function HEAD(request: Request, context: Context) {
  return serve(request, context, 'HEAD')
}
