import type { Metadata } from 'next'
import { goToInviteAction } from './actions'

export const metadata: Metadata = { title: 'Join a cohort' }

export default function JoinPage() {
  return (
    <div className="narrow card">
      <h1>Join a cohort</h1>
      <p className="muted">Enter the invite code your instructor gave you.</p>
      <form action={goToInviteAction} className="stack">
        <label>
          Invite code
          <input name="code" required autoComplete="off" placeholder="ABCD-EFGH-JKMN" />
        </label>
        <button type="submit" className="button primary">
          Continue
        </button>
      </form>
    </div>
  )
}
