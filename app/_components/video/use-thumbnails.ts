'use client'
// Loads the scrubbing previews' track once; without one (or when it fails) there are simply no
// previews, and the seek bar works as before.
import { useEffect, useState } from 'react'
import { parseThumbnailTrack, type ThumbnailCue } from './thumbnail-track'

export function useThumbnails(thumbnailsSrc: string | undefined): ThumbnailCue[] {
  const [cues, setCues] = useState<ThumbnailCue[]>([])
  useEffect(() => {
    if (!thumbnailsSrc) return
    const abort = new AbortController()
    fetch(thumbnailsSrc, { signal: abort.signal })
      .then((res) => (res.ok ? res.text() : ''))
      .then((text) => setCues(parseThumbnailTrack(text, thumbnailsSrc)))
      .catch(() => {
        // Previews are a nicety: a missing track leaves the seek bar as it is.
      })
    return () => abort.abort()
  }, [thumbnailsSrc])
  return cues
}
