'use server'

import { redirect } from 'next/navigation'
import { joinCohort } from '@/server/cohorts/join-cohort'
import { normalizeInviteCode } from '@/server/cohorts/invite-code'
import { requireUser } from '@/server/session/current-user'

export interface JoinState {
  error?: string
}

const REFUSAL: Record<string, string> = {
  'not-found': 'No cohort uses that code. Check it with your instructor.',
  expired: 'This invite has expired. Ask your instructor for a new one.',
  revoked: 'This invite was withdrawn. Ask your instructor for a new one.',
  'used-up': 'This invite has been used as often as allowed. Ask your instructor for a new one.',
  archived: 'This cohort has been archived.',
}

export async function joinCohortAction(_state: JoinState, form: FormData): Promise<JoinState> {
  const raw = form.get('code')
  const code = normalizeInviteCode(typeof raw === 'string' ? raw : '')
  const user = await requireUser(`/join/${encodeURIComponent(code)}`)
  const result = await joinCohort({ user, code })
  if (result.status === 'joined' || result.status === 'already-member') {
    redirect(`/dashboard?joined=${encodeURIComponent(result.cohortId)}`)
  }
  return { error: REFUSAL[result.status] ?? 'Could not join.' }
}

/** The code form on /join only navigates to the invite's own page. */
export async function goToInviteAction(form: FormData): Promise<void> {
  const raw = form.get('code')
  redirect(`/join/${encodeURIComponent(normalizeInviteCode(typeof raw === 'string' ? raw : ''))}`)
}
