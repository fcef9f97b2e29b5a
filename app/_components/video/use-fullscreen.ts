'use client'
// Whether the player fills the screen, and the switch for it.
import { useCallback, useEffect, useState, type RefObject } from 'react'

export function useFullscreen(rootRef: RefObject<HTMLDivElement | null>) {
  const [fullscreen, setFullscreen] = useState(false)

  const toggleFullscreen = useCallback(() => {
    const root = rootRef.current
    if (!root) return
    if (document.fullscreenElement) void document.exitFullscreen()
    else void root.requestFullscreen().catch(() => {})
  }, [rootRef])

  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === rootRef.current)
    document.addEventListener('fullscreenchange', onChange)
    return () => document.removeEventListener('fullscreenchange', onChange)
  }, [rootRef])

  return { fullscreen, toggleFullscreen }
}
