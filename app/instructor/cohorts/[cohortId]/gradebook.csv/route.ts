import { AppError } from '@/server/errors'
import { gradebookCsv, gradebookFileName } from '@/server/grading/gradebook'
import { loadCohortProgress } from '@/server/grading/load-cohort-progress'
import { getCurrentUser } from '@/server/session/current-user'

export const dynamic = 'force-dynamic'

export async function GET(_request: Request, { params }: { params: Promise<{ cohortId: string }> }) {
  const actor = await getCurrentUser()
  if (!actor) return Response.json({ error: 'Sign in to download the gradebook.' }, { status: 401 })
  const { cohortId } = await params
  try {
    const progress = await loadCohortProgress({ actor, cohortId })
    return new Response(gradebookCsv(progress), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${gradebookFileName(progress)}"`,
        'cache-control': 'no-store',
      },
    })
  } catch (e) {
    if (e instanceof AppError) return Response.json({ error: e.message }, { status: e.status })
    throw e
  }
}
