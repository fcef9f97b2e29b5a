import 'server-only'
import { z } from 'zod'
import {
  ACTION_STATUSES,
  SEVERITIES,
  emptyIncidentReport,
  type IncidentReportFields,
} from '@/contracts/incident-report-model'

// Drafts may be incomplete, so nothing is required here; the limits only keep a report a
// reasonable size. Completeness is `checkIncidentReport`'s job.
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`)

export const incidentReportFieldsSchema = z.strictObject({
  incidentId: text(100),
  title: text(200),
  severity: z.enum([...SEVERITIES, '']),
  duration: text(200),
  impact: text(5_000),
  timeline: z
    .array(z.strictObject({ time: text(40), event: text(1_000) }))
    .max(100, 'at most 100 timeline rows'),
  rootCause: text(20_000),
  resolution: text(20_000),
  actionItems: z
    .array(
      z.strictObject({
        action: text(500),
        owner: text(100),
        dueDate: text(40),
        status: z.enum(ACTION_STATUSES),
      }),
    )
    .max(50, 'at most 50 action items'),
  lessonsLearned: text(20_000),
  // Optional sections (Lab 3's infrastructure incident); drafts saved before them still parse.
  roles: z.strictObject({ commander: text(100), communications: text(100) }).optional(),
  statusUpdates: z
    .array(z.strictObject({ time: text(40), event: text(1_000) }))
    .max(50, 'at most 50 status updates')
    .optional(),
}) satisfies z.ZodType<IncidentReportFields>

/** Stored fields, read leniently: a report saved by an older form still opens. */
export function readStoredFields(value: unknown): IncidentReportFields {
  const base = emptyIncidentReport()
  const parsed = incidentReportFieldsSchema.partial().safeParse(value)
  if (!parsed.success) {
    // Keep what does parse, field by field.
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
    const fields: Partial<IncidentReportFields> = {}
    for (const [key, schema] of Object.entries(incidentReportFieldsSchema.shape)) {
      const one = schema.safeParse(record[key])
      if (one.success) Object.assign(fields, { [key]: one.data })
    }
    return { ...base, ...fields }
  }
  return { ...base, ...parsed.data }
}
