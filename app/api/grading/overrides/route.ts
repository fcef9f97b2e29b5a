import { z } from 'zod'
import { readJsonBody, withGradingToken } from '@/server/api-tokens/with-grading-token'
import { AppError } from '@/server/errors'
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
export const POST = withGradingToken('overrides:write', async ({ request, actor }) => {
  const parsed = body.safeParse(await readJsonBody(request))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError('invalid', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`)
  }
  const { id } = await setGradeOverride({ actor, ...parsed.data })
  return { id, ...parsed.data }
})
