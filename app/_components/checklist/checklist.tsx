'use client'

import { usePathname } from 'next/navigation'
import Link from 'next/link'
import {
  Children,
  createContext,
  isValidElement,
  useCallback,
  useContext,
  useEffect,
  useId,
  useState,
  type ReactNode,
} from 'react'
import { ChecklistStateProvider, useChecklistState } from './checklist-state'
import styles from './checklist.module.css'

interface ChecklistScope {
  checklistId: string
  register: (itemId: string) => () => void
  toggle: (itemId: string, checked: boolean) => void
  isChecked: (itemId: string) => boolean
}

const ChecklistScopeContext = createContext<ChecklistScope | null>(null)

/** Item ids written directly inside the checklist, known before any effect runs (so SSR counts right). */
function declaredItemIds(children: ReactNode): string[] {
  return Children.toArray(children).flatMap((child) => {
    if (!isValidElement(child)) return []
    const id = (child.props as { id?: unknown }).id
    return typeof id === 'string' ? [id] : []
  })
}

const isBlankText = (child: ReactNode) => typeof child === 'string' && child.trim() === ''

/**
 * A runbook checklist: `<Checklist id="investigation"><Item id="check-logs">…</Item></Checklist>`.
 * Ticks are saved per learner through the page's ChecklistStateProvider; without one (or when
 * signed out) they last for this visit only.
 */
export function Checklist({ id, children }: { id: string; children?: ReactNode }) {
  const state = useChecklistState()
  if (!state) {
    return (
      <ChecklistStateProvider pageKey="" initial={[]} signedIn={false}>
        <Checklist id={id}>{children}</Checklist>
      </ChecklistStateProvider>
    )
  }
  return <ChecklistBody id={id}>{children}</ChecklistBody>
}

function ChecklistBody({ id, children }: { id: string; children?: ReactNode }) {
  const state = useChecklistState()!
  const pathname = usePathname()
  const headingId = useId()
  const [registered, setRegistered] = useState<readonly string[]>([])
  const [error, setError] = useState<string | null>(null)

  const register = useCallback((itemId: string) => {
    setRegistered((ids) => (ids.includes(itemId) ? ids : [...ids, itemId]))
    return () => setRegistered((ids) => ids.filter((x) => x !== itemId))
  }, [])

  const declared = declaredItemIds(children)
  const itemIds = [...declared, ...registered.filter((x) => !declared.includes(x))]
  const keyOf = (itemId: string) => `${id}/${itemId}`
  const done = itemIds.filter((itemId) => state.isChecked(keyOf(itemId))).length

  const toggle = (itemId: string, checked: boolean) => {
    setError(null)
    void state.setItem(keyOf(itemId), checked).then((result) => {
      if (!result.ok) setError(`Your tick was not saved: ${result.message}`)
    })
  }

  const reset = () => {
    setError(null)
    void state.resetItems(id, itemIds.map(keyOf)).then((result) => {
      if (!result.ok) setError(`The checklist was not reset: ${result.message}`)
    })
  }

  const scope: ChecklistScope = {
    checklistId: id,
    register,
    toggle,
    isChecked: (itemId) => state.isChecked(keyOf(itemId)),
  }

  return (
    <section className={styles.checklist} aria-labelledby={headingId} data-checklist={id}>
      <header className={styles.header}>
        <p
          id={headingId}
          className={styles.progress}
          aria-live="polite"
          data-testid={`checklist-progress-${id}`}
        >
          {done} of {itemIds.length} {itemIds.length === 1 ? 'step' : 'steps'} done
        </p>
        <span className={styles.bar} aria-hidden="true">
          <span style={{ width: itemIds.length ? `${(done / itemIds.length) * 100}%` : 0 }} />
        </span>
        <button type="button" className="button small" onClick={reset} disabled={done === 0}>
          Reset
        </button>
      </header>
      {!state.signedIn && (
        <p className={styles.note}>
          Your ticks are not saved.{' '}
          <Link href={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in</Link> to keep them.
        </p>
      )}
      {error && (
        <p role="alert" className="alert error">
          {error}
        </p>
      )}
      <ChecklistScopeContext.Provider value={scope}>
        <ul className={styles.items}>{Children.toArray(children).filter((child) => !isBlankText(child))}</ul>
      </ChecklistScopeContext.Provider>
    </section>
  )
}

/** One step of a Checklist. Its children may be any content, code blocks included. */
export function Item({ id, children }: { id: string; children?: ReactNode }) {
  const scope = useContext(ChecklistScopeContext)
  const contentId = useId()
  const register = scope?.register
  useEffect(() => register?.(id), [register, id])

  if (!scope) {
    // An Item outside a Checklist is a content mistake; show the text rather than break the page.
    return <div>{children}</div>
  }
  const checked = scope.isChecked(id)
  return (
    <li className={checked ? `${styles.item} ${styles.done}` : styles.item} data-item={id}>
      <input
        type="checkbox"
        className={styles.box}
        checked={checked}
        onChange={(event) => scope.toggle(id, event.currentTarget.checked)}
        aria-labelledby={contentId}
      />
      {/* Not a <label>: clicking into code to copy it must not toggle the step. */}
      <div id={contentId} className={styles.content}>
        {children}
      </div>
    </li>
  )
}
