'use client'
// Adaptive streaming: the browser's own HLS where it has it (Safari), hls.js over Media Source
// Extensions where it does not (Chromium, Firefox), the progressive MP4 where neither works.
import { useEffect, useState, type RefObject } from 'react'

export type StreamMode = 'native-hls' | 'hls.js' | 'progressive'

export function useHls(
  videoRef: RefObject<HTMLVideoElement | null>,
  hlsSrc: string | undefined,
  fallbackSrc: string,
): StreamMode {
  const [mode, setMode] = useState<StreamMode>('progressive')
  useEffect(() => {
    const video = videoRef.current
    if (!video || !hlsSrc) return
    if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = hlsSrc
      setMode('native-hls')
      return
    }
    let destroyed = false
    let destroy = () => {}
    void import('hls.js').then(({ default: Hls }) => {
      if (destroyed) return
      if (!Hls.isSupported()) {
        video.src = fallbackSrc
        return
      }
      const hls = new Hls({ capLevelToPlayerSize: true })
      hls.on(Hls.Events.ERROR, (_event, data) => {
        // A fatal stream error falls back to the progressive file rather than a dead player.
        if (!data.fatal) return
        hls.destroy()
        video.src = fallbackSrc
        setMode('progressive')
      })
      hls.loadSource(hlsSrc)
      hls.attachMedia(video)
      destroy = () => hls.destroy()
      setMode('hls.js')
    })
    return () => {
      destroyed = true
      destroy()
    }
  }, [videoRef, hlsSrc, fallbackSrc])
  return mode
}
