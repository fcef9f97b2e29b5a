import { AppError } from '@/server/errors'
import { listLabFiles, readLabFile, saveLabFile } from '@/server/labs/lab-files'
import { labRoute, stringField } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

/** Without `path`: the editable files. With `host` and `path`: one file's content. */
export const GET = labRoute(async ({ user, params, query }) => {
  const labSlug = params.slug ?? ''
  const path = query.get('path')
  if (path === null) return { files: await listLabFiles({ user, labSlug }) }
  return readLabFile({ user, labSlug, host: stringField(query.get('host'), 'host'), path })
})

export const PUT = labRoute(({ user, params, body }) => {
  if (typeof body.content !== 'string') throw new AppError('invalid', '"content" must be a string.')
  return saveLabFile({
    user,
    labSlug: params.slug ?? '',
    host: stringField(body.host, 'host'),
    path: stringField(body.path, 'path'),
    content: body.content,
  })
})
