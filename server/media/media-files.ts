import 'server-only'
// Which files the media folder may serve, and as what. Shared by the lookup and the route.

/** Lesson slugs, as they appear in file names. */
export const LESSON_SLUG = /^[a-z0-9-]+$/

/** Every servable file name: `<slug>.webm|mp4|wav`, `<slug>.vtt`, `<slug>.chapters.json`. */
export const MEDIA_FILE_NAME = /^[a-z0-9-]+(\.chapters)?\.(webm|mp4|wav|vtt|json)$/

export const RECORDING_TYPES = {
  webm: 'video/webm',
  mp4: 'video/mp4',
  wav: 'audio/wav',
} as const
export type RecordingExtension = keyof typeof RECORDING_TYPES

/** Preferred first when an operator dropped several formats for one lesson. */
export const RECORDING_EXTENSIONS: readonly RecordingExtension[] = ['webm', 'mp4', 'wav']

const CONTENT_TYPES: Record<string, string> = {
  ...RECORDING_TYPES,
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** The Content-Type for a servable file name, or null when the name is not servable. */
export function mediaContentType(fileName: string): string | null {
  const match = MEDIA_FILE_NAME.exec(fileName)
  if (!match) return null
  const [, chapters, ext] = match
  // `.json` only as chapters, and `.chapters` only with `.json`: nothing else lives in the folder.
  if ((ext === 'json') !== (chapters !== undefined)) return null
  return CONTENT_TYPES[ext ?? ''] ?? null
}
