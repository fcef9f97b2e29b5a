'use client'

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { resetChecklistAction, setChecklistItemAction } from '@/app/_actions/checklist'

export type SaveResult = { ok: true } | { ok: false; message: string }

interface ChecklistState {
  /** "runbooks/<slug>" */
  pageKey: string
  signedIn: boolean
  isChecked: (itemKey: string) => boolean
  /** Ticks immediately; resolves once saved, or after rolling the tick back. */
  setItem: (itemKey: string, checked: boolean) => Promise<SaveResult>
  /** Unticks the given items of one checklist, with the same optimistic rollback. */
  resetItems: (checklistId: string, itemKeys: readonly string[]) => Promise<SaveResult>
}

const ChecklistStateContext = createContext<ChecklistState | null>(null)

/**
 * Saved ticks for every checklist on one runbook page. MDX components only receive the
 * author's props, so the page wraps its rendered MDX in this provider with the learner's
 * saved state, and each `<Checklist>`/`<Item>` reads it from context.
 */
export function ChecklistStateProvider({
  pageKey,
  initial,
  signedIn,
  children,
}: {
  /** "runbooks/<slug>" */
  pageKey: string
  /** Item keys ("<checklistId>/<itemId>") already ticked. */
  initial: readonly string[]
  signedIn: boolean
  children: ReactNode
}) {
  const state = useLocalChecklistState(initial, signedIn ? pageKey : null)
  const value = useMemo(() => ({ ...state, pageKey, signedIn }), [state, pageKey, signedIn])
  return <ChecklistStateContext.Provider value={value}>{children}</ChecklistStateContext.Provider>
}

function useLocalChecklistState(initial: readonly string[], savingTo: string | null) {
  const [checked, setChecked] = useState(() => new Set(initial))
  // The latest change per item: a failed save only rolls back if nothing newer happened since.
  const versions = useRef(new Map<string, number>())

  const apply = useCallback((itemKeys: readonly string[], value: boolean) => {
    setChecked((previous) => {
      const next = new Set(previous)
      for (const key of itemKeys) {
        if (value) next.add(key)
        else next.delete(key)
      }
      return next
    })
  }, [])

  const change = useCallback(
    async (
      itemKeys: readonly string[],
      value: boolean,
      previous: ReadonlyMap<string, boolean>,
      save: () => Promise<SaveResult>,
    ): Promise<SaveResult> => {
      const mine = new Map<string, number>()
      for (const key of itemKeys) {
        const version = (versions.current.get(key) ?? 0) + 1
        versions.current.set(key, version)
        mine.set(key, version)
      }
      apply(itemKeys, value)
      if (!savingTo) return { ok: true }
      let result: SaveResult
      try {
        result = await save()
      } catch {
        result = { ok: false, message: 'Could not reach the server. Check your connection and try again.' }
      }
      if (!result.ok) {
        for (const key of itemKeys) {
          if (versions.current.get(key) === mine.get(key)) apply([key], previous.get(key) ?? false)
        }
      }
      return result
    },
    [apply, savingTo],
  )

  const isChecked = useCallback((itemKey: string) => checked.has(itemKey), [checked])

  const setItem = useCallback(
    (itemKey: string, value: boolean) =>
      change([itemKey], value, new Map([[itemKey, checked.has(itemKey)]]), () =>
        setChecklistItemAction(savingTo ?? '', itemKey, value),
      ),
    [change, checked, savingTo],
  )

  const resetItems = useCallback(
    (checklistId: string, itemKeys: readonly string[]) =>
      change(itemKeys, false, new Map(itemKeys.map((key) => [key, checked.has(key)])), () =>
        resetChecklistAction(savingTo ?? '', checklistId),
      ),
    [change, checked, savingTo],
  )

  return { isChecked, setItem, resetItems }
}

/** The page's checklist state, or null when no provider wraps the page. */
export function useChecklistState(): ChecklistState | null {
  return useContext(ChecklistStateContext)
}
