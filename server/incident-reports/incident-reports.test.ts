// Against the real test database.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MISSING, emptyIncidentReport, type IncidentReportFields } from '@/contracts/incident-report-model'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getLatestIncidentReport } from './get-latest-incident-report'
import { saveIncidentReport } from './save-incident-report'

async function newUser(): Promise<string> {
  const id = randomUUID()
  await db().user.create({
    data: { id, name: 'Responder', email: `ir-${id}@example.test` },
    select: { id: true },
  })
  return id
}

const draft = (): IncidentReportFields => ({
  ...emptyIncidentReport(),
  incidentId: 'INCIDENT-7',
  rootCause: 'Rate limit per instance',
})

describe('incident reports', () => {
  it('saves an incomplete draft, updates it in place and loads the latest', async () => {
    const userId = await newUser()
    expect(await getLatestIncidentReport({ userId })).toBeNull()

    const first = await saveIncidentReport({ userId, reportId: null, fields: draft() })
    expect(first.complete).toBe(false)
    expect(first.missing).toContain(MISSING.timeline)
    expect(first.missing).not.toContain(MISSING.rootCause)

    const fields = {
      ...draft(),
      title: 'Provider deepseek degraded',
      timeline: [{ time: '14:05', event: 'Alert' }],
    }
    const second = await saveIncidentReport({ userId, reportId: first.id, fields })
    expect(second.id).toBe(first.id)
    expect(await db().incidentReport.count({ where: { userId } })).toBe(1)

    const latest = await getLatestIncidentReport({ userId })
    expect(latest).toEqual({ id: first.id, fields, updatedAt: second.updatedAt })
    const row = await db().incidentReport.findUniqueOrThrow({
      where: { id: first.id },
      select: { title: true },
    })
    expect(row.title).toBe('Provider deepseek degraded')
  })

  it("refuses to overwrite another learner's report", async () => {
    const [owner, intruder] = [await newUser(), await newUser()]
    const saved = await saveIncidentReport({ userId: owner, reportId: null, fields: draft() })
    await expect(
      saveIncidentReport({
        userId: intruder,
        reportId: saved.id,
        fields: { ...draft(), rootCause: 'overwritten' },
      }),
    ).rejects.toMatchObject({ code: 'not-found' })
    expect((await getLatestIncidentReport({ userId: owner }))?.fields.rootCause).toBe(
      'Rate limit per instance',
    )
  })

  it.each([
    ['an unknown severity', { ...emptyIncidentReport(), severity: 'P9' }],
    ['an extra field', { ...emptyIncidentReport(), secret: 'x' }],
    ['an over-long title', { ...emptyIncidentReport(), title: 't'.repeat(201) }],
  ])('refuses %s and stores nothing', async (_label, fields) => {
    const userId = await newUser()
    await expect(saveIncidentReport({ userId, reportId: null, fields })).rejects.toBeInstanceOf(AppError)
    expect(await db().incidentReport.count({ where: { userId } })).toBe(0)
  })

  it('opens a report stored by an older form, keeping the fields that still read', async () => {
    const userId = await newUser()
    await db().incidentReport.create({
      data: { userId, title: 'old', fields: { incidentId: 'INCIDENT-1', severity: 'SEV1', legacy: true } },
      select: { id: true },
    })
    const latest = await getLatestIncidentReport({ userId })
    expect(latest?.fields).toEqual({ ...emptyIncidentReport(), incidentId: 'INCIDENT-1' })
  })
})
