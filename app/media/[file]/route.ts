import { mediaDir } from '@/server/media/media-dir'
import { serveMediaFile } from '@/server/media/serve-media-file'
import { getCurrentUser } from '@/server/session/current-user'

export const dynamic = 'force-dynamic'

type Context = { params: Promise<{ file: string }> }

async function serve(request: Request, { params }: Context, method: 'GET' | 'HEAD') {
  if (!(await getCurrentUser())) {
    return new Response('Sign in to watch lesson recordings.\n', {
      status: 401,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    })
  }
  const { file } = await params
  return serveMediaFile({
    dir: mediaDir(),
    fileName: file,
    method,
    rangeHeader: request.headers.get('range'),
  })
}

export function GET(request: Request, context: Context) {
  return serve(request, context, 'GET')
}

export function HEAD(request: Request, context: Context) {
  return serve(request, context, 'HEAD')
}
