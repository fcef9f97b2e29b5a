'use client'

import { useActionState } from 'react'
import { joinCohortAction } from './actions'

export function JoinForm({ code, cohortName }: { code: string; cohortName: string }) {
  const [state, action, pending] = useActionState(joinCohortAction, {})
  return (
    <form action={action} className="stack">
      <input type="hidden" name="code" value={code} />
      <button type="submit" className="button primary" disabled={pending}>
        Join {cohortName}
      </button>
      {state.error && (
        <p role="alert" className="alert error">
          {state.error}
        </p>
      )}
    </form>
  )
}
