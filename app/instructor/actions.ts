'use server'

import { revalidatePath } from 'next/cache'
import { redirect } from 'next/navigation'
import { createApiToken, revokeApiToken, TOKEN_EXPIRY_DAYS } from '@/server/api-tokens/api-tokens'
import { createCohort } from '@/server/cohorts/create-cohort'
import { createInvite, revokeInvite } from '@/server/cohorts/manage-invites'
import { addCohortInstructor, removeMember } from '@/server/cohorts/manage-members'
import { setGradeOverride } from '@/server/grading/set-grade-override'
import { setGradingPolicy } from '@/server/grading/grading-policy'
import { actOnSandbox } from '@/server/instructor/live-labs'
import { cancelScheduledSession, scheduleLabSession } from '@/server/pools/scheduled-sessions'
import { requireRole } from '@/server/session/current-user'
import { asActionState, type ActionState } from './_lib/app-errors'

const staff = ['instructor', 'admin'] as const
const text = (form: FormData, name: string) => {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}
const cohortPath = (id: string, rest = '') => `/instructor/cohorts/${encodeURIComponent(id)}${rest}`

export async function createCohortAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  let id = ''
  const result = await asActionState(async () => {
    id = (await createCohort({ actor, name: text(form, 'name'), courseSlug: text(form, 'courseSlug') })).id
  })
  if (result.error) return result
  redirect(cohortPath(id, '/members'))
}

export async function createInviteAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  const cohortId = text(form, 'cohortId')
  const maxUses = text(form, 'maxUses').trim()
  return asActionState(async () => {
    const invite = await createInvite({
      actor,
      cohortId,
      expiresInDays: Number(text(form, 'expiresInDays') || '14'),
      maxUses: maxUses === '' ? null : Number(maxUses),
    })
    revalidatePath(cohortPath(cohortId, '/members'))
    return { message: `Invite ${invite.code} created.` }
  })
}

export async function revokeInviteAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  return asActionState(async () => {
    await revokeInvite({ actor, inviteId: text(form, 'inviteId') })
    revalidatePath(cohortPath(text(form, 'cohortId'), '/members'))
  })
}

export async function removeMemberAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  const cohortId = text(form, 'cohortId')
  return asActionState(async () => {
    await removeMember({ actor, cohortId, userId: text(form, 'userId') })
    revalidatePath(cohortPath(cohortId, '/members'))
  })
}

export async function addInstructorAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  const cohortId = text(form, 'cohortId')
  return asActionState(async () => {
    await addCohortInstructor({ actor, cohortId, email: text(form, 'email') })
    revalidatePath(cohortPath(cohortId, '/members'))
    return { message: 'Instructor added.' }
  })
}

export async function setPolicyAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  return asActionState(async () => {
    await setGradingPolicy({
      actor,
      cohortId: text(form, 'cohortId'),
      policy: {
        lessonWeight: Number(text(form, 'lessonWeight')),
        quizWeight: Number(text(form, 'quizWeight')),
        labWeight: Number(text(form, 'labWeight')),
        partialCredit: form.get('partialCredit') === 'on',
      },
    })
    revalidatePath(cohortPath(text(form, 'cohortId'), '/gradebook'))
    return { message: 'Grading policy saved.' }
  })
}

export async function overrideGradeAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  return asActionState(async () => {
    await setGradeOverride({
      actor,
      userId: text(form, 'userId'),
      courseSlug: text(form, 'courseSlug'),
      itemKey: text(form, 'itemKey'),
      percent: Number(text(form, 'percent')),
      reason: text(form, 'reason'),
    })
    revalidatePath('/instructor', 'layout')
    return { message: 'Grade saved.' }
  })
}

export async function createTokenAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor/tokens', staff)
  return asActionState(async () => {
    const { token } = await createApiToken({
      actor,
      name: text(form, 'name'),
      scopes: form.getAll('scopes').map(String),
      expiresInDays: Number(form.get('expiresInDays') ?? TOKEN_EXPIRY_DAYS.default),
    })
    revalidatePath('/instructor/tokens')
    return { secret: token }
  })
}

export async function revokeTokenAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor/tokens', staff)
  return asActionState(async () => {
    await revokeApiToken({ actor, tokenId: text(form, 'tokenId') })
    revalidatePath('/instructor/tokens')
  })
}

export async function sandboxAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  const cohortId = text(form, 'cohortId')
  const action = text(form, 'action')
  if (action !== 'extend' && action !== 'reset' && action !== 'end')
    return { error: 'Unknown sandbox action.' }
  return asActionState(async () => {
    await actOnSandbox({
      actor,
      cohortId,
      learnerId: text(form, 'userId'),
      labSlug: text(form, 'labSlug'),
      action,
    })
    revalidatePath(cohortPath(cohortId, '/live'))
    return { message: action === 'extend' ? 'Extended.' : action === 'reset' ? 'Resetting…' : 'Ended.' }
  })
}

export async function scheduleLabSessionAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  const cohortId = text(form, 'cohortId')
  return asActionState(async () => {
    const seats = Number(text(form, 'seats'))
    // The form's datetime-local value has no zone; the form says it is UTC.
    const startsAt = new Date(`${text(form, 'startsAt')}:00Z`)
    const { plan } = await scheduleLabSession({
      actor,
      cohortId,
      labSlug: text(form, 'labSlug'),
      startsAt,
      durationMinutes: Number(text(form, 'durationMinutes') || '90'),
      seats,
      now: new Date(),
    })
    revalidatePath(cohortPath(cohortId, '/live'))
    if (!plan)
      return {
        message:
          'Scheduled. The lab engine did not answer, so how many sandboxes it can keep warm is not known yet; this page shows it once the engine is back.',
      }
    return {
      message:
        plan.holdable >= seats
          ? `Scheduled. The engine can keep all ${seats} sandboxes warm from ten minutes before the start.`
          : `Scheduled. The engine can keep ${plan.holdable} of ${seats} sandboxes warm now: ${plan.reasons.join('; ')}. The other learners start cold (their wait is shown to them).`,
    }
  })
}

export async function cancelLabSessionAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', staff)
  const cohortId = text(form, 'cohortId')
  return asActionState(async () => {
    await cancelScheduledSession({ actor, cohortId, sessionId: text(form, 'sessionId'), now: new Date() })
    revalidatePath(cohortPath(cohortId, '/live'))
    return { message: 'Session cancelled; its warm sandboxes are released.' }
  })
}
