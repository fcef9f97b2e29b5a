import 'server-only'
// Runs a step's check in the learner's sandbox and records it: a CheckRun (the audit trail)
// and the step result (attempts + 1; the first pass sets passedAt and awards the points,
// and nothing ever unsets them).
import { db } from '@/server/db'
import { metrics } from '@/server/metrics/metrics'
import { AppError } from '@/server/errors'
import { requireActiveSession, requireLab } from './lab-session'
import { runner } from './runner'
import { runnerFailure } from './runner-failure'
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
}

export async function runCheck(options: {
  user: { id: string }
  labSlug: string
  stepId: string
}): Promise<CheckOutcome> {
  const { user, labSlug, stepId } = options
  const lab = await requireLab(labSlug)
  const step = lab.steps.find((s) => s.id === stepId)
  if (!step) throw new AppError('not-found', `Lab "${lab.title}" has no step "${stepId}".`)
  const session = await requireActiveSession(user.id, labSlug)

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
    await tx.checkRun.create({
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
        output: result.output,
        failMessages: result.feedback.fail,
        hints: result.feedback.hint,
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
    return tx.labStepResult
      .findUniqueOrThrow({ where: { userId_labSlug_stepId: key }, select: { attempts: true, passedAt: true, points: true } })
      .then((row) => ({ ...row, firstPass }))
  })

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
