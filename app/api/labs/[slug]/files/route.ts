import { z } from 'zod'
import { AppError } from '@/server/errors'
import { listLabFiles, readLabFile, saveLabFile } from '@/server/labs/lab-files'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

const nonEmpty = z.string().min(1, 'must be a non-empty string')
const query = z.object({ host: z.string().optional(), path: z.string().optional() })
const body = z.object({ host: nonEmpty, path: nonEmpty, content: z.string() })

/** Without `path`: the editable files. With `host` and `path`: one file's content. */
export const GET = labRoute({ query }, async ({ user, params, query }) => {
  const labSlug = params.slug ?? ''
  if (query.path === undefined) return { files: await listLabFiles({ user, labSlug }) }
  if (!query.host) throw new AppError('invalid', '"host" must be a non-empty string.')
  return readLabFile({ user, labSlug, host: query.host, path: query.path })
})

export const PUT = labRoute({ body }, ({ user, params, body }) =>
  saveLabFile({ user, labSlug: params.slug ?? '', host: body.host, path: body.path, content: body.content }),
)
