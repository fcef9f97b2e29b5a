import 'server-only'
import path from 'node:path'
import { z } from 'zod'
import { parseEnv } from '@/config/env'

// Recordings are large files kept outside git, in a media folder of the install. The web
// process inherits DATA_DIR from the launcher; MEDIA_DIR overrides the folder.
// TODO(lead): move MEDIA_DIR (and DATA_DIR) into `webEnvSchema` in config/env.ts and read them
// from webConfig() here; until then this is the one place that reads them.
const mediaEnvSchema = z.object({
  MEDIA_DIR: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
})

let cached: string | undefined

/** Absolute path of the media folder: MEDIA_DIR, else `<DATA_DIR>/media` (default `.data/media`). */
export function mediaDir(): string {
  if (cached) return cached
  // eslint-disable-next-line no-restricted-syntax -- temporary, see the TODO above
  const env = parseEnv(mediaEnvSchema, process.env)
  // Relative paths are relative to the project root, where the launcher starts the web app.
  cached = path.resolve(process.cwd(), env.MEDIA_DIR ?? path.join(env.DATA_DIR, 'media'))
  return cached
}
