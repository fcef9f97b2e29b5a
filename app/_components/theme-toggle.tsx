'use client'

import { useSyncExternalStore } from 'react'
import { THEME_STORAGE_KEY as STORAGE_KEY } from '@/contracts/theme-boot-script'

type Theme = 'light' | 'dark' | 'system'
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' }
const LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' }
const listeners = new Set<() => void>()

function readTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY)
  return saved === 'light' || saved === 'dark' ? saved : 'system'
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  window.addEventListener('storage', listener)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('storage', listener)
  }
}

function applyTheme(theme: Theme) {
  if (theme === 'system') {
    localStorage.removeItem(STORAGE_KEY)
    delete document.documentElement.dataset.theme
  } else {
    localStorage.setItem(STORAGE_KEY, theme)
    document.documentElement.dataset.theme = theme
  }
  listeners.forEach((l) => l())
}

export function ThemeToggle() {
  const theme = useSyncExternalStore(subscribe, readTheme, () => 'system' as Theme)
  return (
    <button
      type="button"
      className="button small"
      onClick={() => applyTheme(NEXT[theme])}
      aria-label={`${LABEL[theme]} (change)`}
      title={LABEL[theme]}
    >
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
    </button>
  )
}
