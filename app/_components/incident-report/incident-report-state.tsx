'use client'

import { createContext, useContext, type ReactNode } from 'react'
import type { StoredIncidentReport } from '@/server/incident-reports/get-latest-incident-report'

interface IncidentReportState {
  initial: StoredIncidentReport | null
  signedIn: boolean
}

const IncidentReportStateContext = createContext<IncidentReportState | null>(null)

/**
 * The learner's latest saved report for `<IncidentReportForm />`, which as an MDX component
 * gets no props of its own. Optional: without it, the form fetches the draft after it mounts.
 */
export function IncidentReportStateProvider({
  initial,
  signedIn,
  children,
}: IncidentReportState & { children: ReactNode }) {
  return (
    <IncidentReportStateContext.Provider value={{ initial, signedIn }}>
      {children}
    </IncidentReportStateContext.Provider>
  )
}

export type { IncidentReportState }

/** The provided state, or null when no provider wraps the form. */
export function useIncidentReportState(): IncidentReportState | null {
  return useContext(IncidentReportStateContext)
}
