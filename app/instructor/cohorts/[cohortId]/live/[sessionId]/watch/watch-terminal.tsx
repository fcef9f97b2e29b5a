'use client'
// The learner's shell, read-only, in the instructor's browser (xterm needs the DOM: no SSR).
import dynamic from 'next/dynamic'

const LabTerminal = dynamic(() => import('@/app/_components/lab/lab-terminal'), {
  ssr: false,
  loading: () => <p className="muted">Loading the terminal…</p>,
})

export function WatchTerminal({
  sessionId,
  labSlug,
  host,
}: {
  sessionId: string
  labSlug: string
  host: string
}) {
  return (
    <div style={{ height: '70vh', display: 'flex', flexDirection: 'column' }}>
      <LabTerminal
        labSlug={labSlug}
        host={host}
        active
        readOnly
        ticketUrl={`/api/instructor/watch/${encodeURIComponent(sessionId)}/ticket`}
      />
    </div>
  )
}
