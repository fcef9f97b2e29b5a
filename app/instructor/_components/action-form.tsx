'use client'

import { useActionState, type ReactNode } from 'react'
import type { ActionState } from '../_lib/app-errors'

/**
 * A form bound to a server action that answers with `{ error?, message?, secret? }`.
 * Errors and confirmations are announced to screen readers.
 */
export function ActionForm({
  action,
  children,
  submitLabel,
  className,
  submitClassName = 'button primary',
  secretLabel,
  confirm,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>
  children?: ReactNode
  submitLabel: string
  className?: string
  submitClassName?: string
  secretLabel?: string
  confirm?: string
}) {
  const [state, formAction, pending] = useActionState(action, {})
  return (
    <form
      action={formAction}
      className={className}
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault()
      }}
    >
      {children}
      <button type="submit" className={submitClassName} disabled={pending}>
        {submitLabel}
      </button>
      {state.error && (
        <p role="alert" className="alert error">
          {state.error}
        </p>
      )}
      {state.message && (
        <p role="status" className="alert info">
          {state.message}
        </p>
      )}
      {state.secret && (
        <p role="status" className="alert info">
          {secretLabel ?? 'Copy this now; it is not shown again:'}{' '}
          <code data-testid="secret" style={{ wordBreak: 'break-all' }}>
            {state.secret}
          </code>
        </p>
      )}
    </form>
  )
}
