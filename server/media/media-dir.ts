import 'server-only'
import path from 'node:path'
import { webConfig } from '@/server/config'

let cached: string | undefined

/** Absolute path of the media folder: MEDIA_DIR, else `<DATA_DIR>/media` (docs/decisions/008). */
export function mediaDir(): string {
  if (cached) return cached
  const { MEDIA_DIR, DATA_DIR } = webConfig()
  // Relative paths are relative to the project root, where the launcher starts the web app.
  cached = path.resolve(process.cwd(), MEDIA_DIR ?? path.join(DATA_DIR, 'media'))
  return cached
}
