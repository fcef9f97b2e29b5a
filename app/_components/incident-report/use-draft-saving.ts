'use client'
// Saving with one request at a time: the first save creates the report and later ones update it.
import { useCallback, useRef, useState } from 'react'
import { saveIncidentReportAction } from '@/app/_actions/incident-report'
import type { IncidentReportFields } from '@/contracts/incident-report-model'

export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: string }
  | { kind: 'error'; message: string }

export function useDraftSaving(initialId: string | null, enabled: boolean) {
  const reportId = useRef(initialId)
  const latest = useRef<IncidentReportFields | null>(null)
  const running = useRef<Promise<void> | null>(null)
  const again = useRef(false)
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' })

  const save = useCallback(async (): Promise<void> => {
    if (!enabled || !latest.current) return
    if (running.current) {
      again.current = true
      return running.current
    }
    const run = (async () => {
      do {
        again.current = false
        const fields = latest.current!
        setStatus({ kind: 'saving' })
        try {
          const result = await saveIncidentReportAction(reportId.current, fields)
          if (!result.ok) {
            setStatus({ kind: 'error', message: result.message })
            return
          }
          reportId.current = result.id
          setStatus(latest.current === fields ? { kind: 'saved', at: result.updatedAt } : { kind: 'dirty' })
        } catch {
          setStatus({
            kind: 'error',
            message: 'Could not reach the server. Your draft is still here; try Save again.',
          })
          return
        }
      } while (again.current)
    })()
    running.current = run
    try {
      await run
    } finally {
      running.current = null
    }
  }, [enabled])

  const edited = useCallback((fields: IncidentReportFields) => {
    latest.current = fields
    setStatus({ kind: 'dirty' })
  }, [])

  return { status, save, edited }
}
