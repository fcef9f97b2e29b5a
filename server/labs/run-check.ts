import 'server-only'
// Runs a step's check in the learner's sandbox and records it: a CheckRun (the audit trail)
// and the step result (attempts + 1; the first pass sets passedAt and awards the points,
// and nothing ever unsets them). Guarded by check-guard.ts: one check per learner at a time, a
// per-step rate limit, bounded output, and an idempotency key per Check press.
import { randomUUID } from 'node:crypto'
import type { Prisma } from '@/generated/prisma/client'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { metrics } from '@/server/metrics/metrics'
import { AppError } from '@/server/errors'
import { requireActiveSession, requireLab } from './lab-session'
import { runner } from './runner'
import {
  acquireCheckLock,
  assertCheckRateLimit,
  boundOutput,
  isCheckLockHeld,
  releaseCheckLock,
} from './check-guard'
import { runnerFailure } from './runner-failure'
import { requireEarlierSteps } from './step-requirements'
import { unlockedHints } from './step-progress'

export interface CheckOutcome {
  stepId: string
  passed: boolean
  /** `FAIL:` lines of the check, for the learner. */
  fail: string[]
  /** `HINT:` lines of the check. */
  hint: string[]
  timedOut: boolean
  durationMs: number
  /** True when this run passed the step for the first time. */
  firstPass: boolean
  attempts: number
  stepPassed: boolean
  pointsEarned: number
  /** Hints from the lab definition unlocked by failed attempts. */
  hints: string[]
  nextHintIn: number | null
  /** True when this answers a repeated request: the result of the first, not a new attempt. */
  repeated?: boolean
}

const WAIT_POLL_MS = 500

async function findAnswered(userId: string, requestKey: string): Promise<CheckOutcome | null> {
  const run = await db().checkRun.findUnique({
    where: { userId_requestKey: { userId, requestKey } },
    select: { response: true },
  })
  return run?.response ? { ...(run.response as unknown as CheckOutcome), repeated: true } : null
}

async function answerRepeat(
  userId: string,
  requestKey: string,
  labSlug: string,
  stepId: string,
  answer: CheckOutcome,
) {
  await recordAuditEvent({
    actorId: userId,
    action: 'lab.check.repeat',
    targetUserId: userId,
    details: { labSlug, stepId, requestKey },
  })
  return answer
}

/** The same Check press is still running (its answer was lost): wait for its result. */
async function waitForFirst(userId: string, requestKey: string): Promise<CheckOutcome> {
  for (;;) {
    const answer = await findAnswered(userId, requestKey)
    if (answer) return answer
    if (!(await isCheckLockHeld({ userId, requestKey }))) {
      const late = await findAnswered(userId, requestKey)
      if (late) return late
      throw new AppError(
        'unavailable',
        'That check did not finish (the lab service did not answer). Press Check again.',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS))
  }
}

export async function runCheck(options: {
  user: { id: string }
  labSlug: string
  stepId: string
  /** The client's key for this Check press; a repeat with the same key returns the first result. */
  requestKey?: string
}): Promise<CheckOutcome> {
  const { user, labSlug, stepId } = options
  const lab = await requireLab(labSlug)
  const step = lab.steps.find((s) => s.id === stepId)
  if (!step) throw new AppError('not-found', `Lab "${lab.title}" has no step "${stepId}".`)

  const requestKey = options.requestKey ?? randomUUID()
  const answered = options.requestKey ? await findAnswered(user.id, requestKey) : null
  if (answered) return answerRepeat(user.id, requestKey, labSlug, stepId, answered)

  const lock = await acquireCheckLock({ userId: user.id, requestKey, labSlug, stepId })
  if (lock.status === 'held') {
    if (lock.requestKey === requestKey) {
      return answerRepeat(user.id, requestKey, labSlug, stepId, await waitForFirst(user.id, requestKey))
    }
    await recordAuditEvent({
      actorId: user.id,
      action: 'lab.check.refused',
      targetUserId: user.id,
      details: {
        labSlug,
        stepId,
        reason: 'another-check-running',
        running: { labSlug: lock.labSlug, stepId: lock.stepId },
      },
    })
    throw new AppError(
      'conflict',
      `Another check of yours is still running (step "${lock.stepId}" of lab "${lock.labSlug}"). ` +
        'Wait for its result, then press Check again.',
    )
  }
  try {
    // Between the first look and the lock, the first request with this key may have finished.
    const late = options.requestKey ? await findAnswered(user.id, requestKey) : null
    if (late) return answerRepeat(user.id, requestKey, labSlug, stepId, late)
    await assertCheckRateLimit({ userId: user.id, labSlug, stepId })
    return await runAndRecord({ user, lab, step, requestKey: options.requestKey })
  } finally {
    await releaseCheckLock({ userId: user.id, requestKey })
  }
}

async function runAndRecord({
  user,
  lab,
  step,
  requestKey,
}: {
  user: { id: string }
  lab: Awaited<ReturnType<typeof requireLab>>
  step: Awaited<ReturnType<typeof requireLab>>['steps'][number]
  requestKey: string | undefined
}): Promise<CheckOutcome> {
  const stepId = step.id
  const labSlug = lab.slug
  const session = await requireActiveSession(user.id, labSlug)
  await requireEarlierSteps(lab, stepId, session.id)

  const ran = await runner().runStepScript(session.sandboxId, stepId, 'check')
  if (!ran.ok) {
    metrics().checkRuns.inc({ outcome: 'error' })
    throw await runnerFailure(ran, session.id)
  }
  const result = ran.value
  metrics().checkRuns.inc({ outcome: result.error ? 'error' : result.passed ? 'passed' : 'failed' })
  // A check that could not start (container stopped) is reported, but is not the learner's attempt.
  const countsAsAttempt = !result.error

  const now = new Date()
  const recorded = await db().$transaction(async (tx) => {
    const run = await tx.checkRun.create({
      data: {
        sessionId: session.id,
        userId: user.id,
        actorId: user.id,
        labSlug,
        stepId,
        kind: 'check',
        passed: result.passed,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: Math.round(result.durationMs),
        output: boundOutput(result.output),
        failMessages: result.feedback.fail,
        hints: result.feedback.hint,
        requestKey: requestKey ?? null,
      },
      select: { id: true },
    })
    const key = { userId: user.id, labSlug, stepId }
    await tx.labStepResult.upsert({
      where: { userId_labSlug_stepId: key },
      create: { ...key, attempts: countsAsAttempt ? 1 : 0 },
      update: countsAsAttempt ? { attempts: { increment: 1 } } : {},
      select: { attempts: true },
    })
    let firstPass = false
    if (result.passed) {
      // Conditional on passedAt being null, so two concurrent passes award the points once.
      const { count } = await tx.labStepResult.updateMany({
        where: { ...key, passedAt: null },
        data: { passedAt: now, points: step.points },
      })
      firstPass = count === 1
    }
    const row = await tx.labStepResult.findUniqueOrThrow({
      where: { userId_labSlug_stepId: key },
      select: { attempts: true, passedAt: true, points: true },
    })
    const outcome = toOutcome({ ...row, firstPass })
    // Stored with the run, so a repeated request gets exactly this answer.
    await tx.checkRun.update({
      where: { id: run.id },
      data: { response: outcome as unknown as Prisma.InputJsonObject },
      select: { id: true },
    })
    return outcome
  })
  return recorded

  function toOutcome(recorded: {
    attempts: number
    passedAt: Date | null
    points: number
    firstPass: boolean
  }): CheckOutcome {
    const stepPassed = recorded.passedAt !== null
    return {
      stepId,
      passed: result.passed,
      fail: result.feedback.fail,
      hint: result.feedback.hint,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      firstPass: recorded.firstPass,
      attempts: recorded.attempts,
      stepPassed,
      pointsEarned: recorded.points,
      ...unlockedHints(step.hints, recorded.attempts, stepPassed),
    }
  }
}
