// The player's keyboard shortcuts (listed in the player's footer).
import type { KeyboardEvent } from 'react'

export interface ShortcutActions {
  togglePlay: () => void
  seekBy: (delta: number) => void
  toggleCaptions: () => void
  stepRate: (direction: 1 | -1) => void
  toggleFullscreen: () => void
}

/** Keys whose native meaning on a focused control must win over our shortcuts. */
function ownsKey(target: EventTarget, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false
  const tag = target.tagName
  if (tag === 'SELECT') return key.startsWith('Arrow') || key === ' '
  if (tag === 'BUTTON') return key === ' ' || key === 'Enter'
  return false
}

export function handleShortcut(
  event: KeyboardEvent<HTMLDivElement>,
  { togglePlay, seekBy, toggleCaptions, stepRate, toggleFullscreen }: ShortcutActions,
): void {
  if (event.ctrlKey || event.metaKey || event.altKey) return
  if (ownsKey(event.target, event.key)) return
  const actions: Record<string, () => void> = {
    ' ': togglePlay,
    k: togglePlay,
    j: () => seekBy(-10),
    l: () => seekBy(10),
    ArrowLeft: () => seekBy(-5),
    ArrowRight: () => seekBy(5),
    c: toggleCaptions,
    '>': () => stepRate(1),
    '<': () => stepRate(-1),
    f: toggleFullscreen,
  }
  const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key]
  if (!action) return
  event.preventDefault()
  action()
}
