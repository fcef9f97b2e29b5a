import 'server-only'
// `requires:` of a lab step (contracts/lab-definition.ts): a step's check runs only after each
// required step has passed a check in the learner's current sandbox. A pass in an earlier
// sandbox keeps its points, but the evidence the later check judges (fixed config, live
// faults, the restored database) lives in this sandbox, so it must be shown here again.
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { LabInfo } from './list-labs'

/** The required steps without a passing check in this session, in lab order. */
export async function unmetRequirements(
  lab: LabInfo,
  stepId: string,
  sessionId: string,
): Promise<Array<{ id: string; title: string }>> {
  const step = lab.steps.find((s) => s.id === stepId)
  const required = step?.requires ?? []
  if (required.length === 0) return []
  const passed = await db().checkRun.findMany({
    where: { sessionId, stepId: { in: required }, kind: 'check', passed: true },
    select: { stepId: true },
    distinct: ['stepId'],
  })
  const done = new Set(passed.map((r) => r.stepId))
  return lab.steps
    .filter((s) => required.includes(s.id) && !done.has(s.id))
    .map((s) => ({ id: s.id, title: s.title }))
}

/** A conflict AppError naming the steps to pass first, or nothing when all have passed. */
export async function requireEarlierSteps(lab: LabInfo, stepId: string, sessionId: string): Promise<void> {
  const unmet = await unmetRequirements(lab, stepId, sessionId)
  if (unmet.length === 0) return
  const names = unmet.map((s) => `"${s.title}"`).join(', ')
  throw new AppError(
    'conflict',
    `This check needs ${unmet.length === 1 ? 'the step' : 'the steps'} ${names} passed in this sandbox first: ` +
      'it judges what those steps produce. Finish them and press Check on each, then check this step again.',
  )
}
