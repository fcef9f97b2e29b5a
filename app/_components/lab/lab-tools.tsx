'use client'
// The ready sandbox's tools: one tab per shell host, the editor, the dashboard, and links that
// open the lab's service web UIs in a new window.
import dynamic from 'next/dynamic'
import type { WorkspaceLab } from './lab-workspace'
import styles from './lab.module.css'

// Browser-only: xterm.js and Monaco touch `window` when loaded.
const LabTerminal = dynamic(() => import('./lab-terminal'), {
  ssr: false,
  loading: () => <p className="muted">Loading the terminal…</p>,
})
const LabEditor = dynamic(() => import('./lab-editor'), {
  ssr: false,
  loading: () => <p className="muted">Loading the editor…</p>,
})
const LabDashboard = dynamic(() => import('./lab-dashboard'), {
  ssr: false,
  loading: () => <p className="muted">Loading the dashboard…</p>,
})

export function LabTools({
  lab,
  tab,
  onTab,
  onOpenServiceTab,
}: {
  lab: WorkspaceLab
  /** `shell:<host>`, `editor` or `dashboard`. */
  tab: string
  onTab: (tab: string) => void
  onOpenServiceTab: (host: string, port: number) => void
}) {
  return (
    <>
      <div role="tablist" aria-label="Lab tools" className={styles.tabs}>
        {lab.shellHosts.map((host) => (
          <button
            key={host}
            type="button"
            role="tab"
            aria-selected={tab === `shell:${host}`}
            className={styles.tab}
            onClick={() => onTab(`shell:${host}`)}
          >
            Terminal: {host}
          </button>
        ))}
        {lab.hasEditableFiles && (
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'editor'}
            className={styles.tab}
            onClick={() => onTab('editor')}
          >
            Editor
          </button>
        )}
        {lab.dashboard && (
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'dashboard'}
            className={styles.tab}
            onClick={() => onTab('dashboard')}
          >
            Dashboard
          </button>
        )}
        {lab.serviceTabs.map((t) => (
          <button
            key={`${t.host}:${t.port}`}
            type="button"
            className={styles.tab}
            onClick={() => onOpenServiceTab(t.host, t.port)}
          >
            {t.label} ↗
          </button>
        ))}
      </div>
      <div className={styles.panes}>
        {lab.shellHosts.map((host) => (
          <div key={host} role="tabpanel" hidden={tab !== `shell:${host}`} className={styles.pane}>
            <LabTerminal labSlug={lab.slug} host={host} active={tab === `shell:${host}`} />
          </div>
        ))}
        {lab.hasEditableFiles && (
          <div role="tabpanel" hidden={tab !== 'editor'} className={styles.pane}>
            {tab === 'editor' && <LabEditor labSlug={lab.slug} />}
          </div>
        )}
        {lab.dashboard && (
          <div role="tabpanel" hidden={tab !== 'dashboard'} className={styles.pane}>
            {tab === 'dashboard' && (
              <LabDashboard
                labSlug={lab.slug}
                file={lab.dashboard.file}
                active
                onOpenEditor={lab.hasEditableFiles ? () => onTab('editor') : undefined}
              />
            )}
          </div>
        )}
      </div>
    </>
  )
}
