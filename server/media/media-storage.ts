import 'server-only'
import { localDiskStorage, type MediaStorage } from './storage'
import { mediaDir } from './media-dir'

let storage: MediaStorage | undefined

/** The web app's media storage: local disk under the media folder (docs/decisions/035). */
export function mediaStorage(): MediaStorage {
  storage ??= localDiskStorage(mediaDir())
  return storage
}
