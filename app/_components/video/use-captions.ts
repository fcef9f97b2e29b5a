'use client'
// Follows the captions track's current cue (drawn over the picture when captions are on).
import { useCallback, useEffect, useState, type RefObject } from 'react'

/**
 * Loads the captions track without the browser drawing it: we draw the current cue ourselves,
 * so captions look the same everywhere and also show for audio-only recordings (WAV), where
 * Chromium draws nothing.
 */
function loadTrackHidden(track: TextTrack): void {
  track.mode = 'hidden'
}

/** The text of the cues showing now, without WebVTT markup (voice and style tags). */
function activeCueText(track: TextTrack): string {
  return Array.from(track.activeCues ?? [])
    .map((cue) => (cue instanceof VTTCue ? cue.text : ''))
    .join('\n')
    .replace(/<[^>]*>/g, '')
    .trim()
}

export function useCaptions(videoRef: RefObject<HTMLVideoElement | null>, captionsSrc: string | undefined) {
  const [captionsOn, setCaptionsOn] = useState(false)
  const [captionText, setCaptionText] = useState('')

  const toggleCaptions = useCallback(() => setCaptionsOn((on) => !on), [])

  useEffect(() => {
    const track = videoRef.current?.textTracks[0]
    if (!track) return
    loadTrackHidden(track)
    const onCueChange = () => setCaptionText(activeCueText(track))
    track.addEventListener('cuechange', onCueChange)
    return () => track.removeEventListener('cuechange', onCueChange)
  }, [captionsSrc, videoRef])

  return { captionsOn, captionText, toggleCaptions }
}
