import { z } from 'zod'
import { withGradingToken } from '@/server/api-tokens/with-grading-token'
import { setGradeOverride } from '@/server/grading/set-grade-override'

export const dynamic = 'force-dynamic'

const body = z.strictObject({
  userId: z.string().min(1),
  courseSlug: z.string().min(1),
  itemKey: z.string().min(1),
  percent: z.number().int().min(0).max(100),
  reason: z.string().min(3).max(500),
})

/**
 * POST /api/grading/overrides — records a grade for one item ("final", "quiz:<key>",
 * "lab:<lab>/<step>") of one learner, in the token owner's name (audited).
 */
export const POST = withGradingToken('overrides:write', { body }, async ({ actor, body }) => {
  const { id } = await setGradeOverride({ actor, ...body })
  return { id, ...body }
})
