'use client'
// The lab page's interactive part: steps + Check on the left; terminals, editor and service
// tabs on the right; a status bar with time left, Extend, Reset and End.
import dynamic from 'next/dynamic'
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import type { ProvisioningStatus, ServiceStatus } from '@/contracts/runner-api'
import { LabApiError, labApi, newRequestKey } from './lab-api'
import { ProvisioningProgress } from './provisioning-progress'
import { CheckCooldown } from './check-cooldown'
import { isServiceUp } from './service-progress'
import styles from './lab.module.css'

// Browser-only: xterm.js and Monaco touch `window` when loaded.
const LabTerminal = dynamic(() => import('./lab-terminal'), { ssr: false, loading: () => <p className="muted">Loading the terminal…</p> })
const LabEditor = dynamic(() => import('./lab-editor'), { ssr: false, loading: () => <p className="muted">Loading the editor…</p> })
const LabDashboard = dynamic(() => import('./lab-dashboard'), { ssr: false, loading: () => <p className="muted">Loading the dashboard…</p> })

export interface WorkspaceLab {
  slug: string
  title: string
  services: string[]
  shellHosts: string[]
  hasEditableFiles: boolean
  serviceTabs: Array<{ label: string; host: string; port: number }>
  /** The lab's in-app dashboard: where the learner writes its panels file. */
  dashboard?: { file: { host: string; path: string } }
  steps: Array<{ id: string; title: string; points: number; showTitle: boolean; instructions: ReactNode }>
}


interface StepProgress {
  id: string
  attempts: number
  passed: boolean
  pointsEarned: number
  hints: string[]
  nextHintIn: number | null
}

export interface LabStateView {
  engine: { available: true } | { available: false; message: string }
  sandbox: null | {
    state: 'provisioning' | 'ready' | 'failed'
    error: string | null
    secondsLeft: number
    expiresAt: string
    extensionsLeft: number
    services: ServiceStatus[]
    provisioning: ProvisioningStatus | null
    viewers: number
  }
  expired: boolean
  steps: StepProgress[]
  pointsEarned: number
  totalPoints: number
}

interface CheckOutcome {
  stepId: string
  passed: boolean
  fail: string[]
  hint: string[]
  timedOut: boolean
  firstPass: boolean
  hints: string[]
}

type StartOutcome = { status: 'provisioning' | 'ready'; sandboxId: string } | { status: 'queued'; position: number; estimatedWaitS: number }

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = Math.max(0, seconds % 60)
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m}:${String(s).padStart(2, '0')}`
}

export function LabWorkspace({ lab, initialState }: { lab: WorkspaceLab; initialState: LabStateView }) {
  const [state, setState] = useState(initialState)
  const [queue, setQueue] = useState<{ position: number; estimatedWaitS: number } | null>(null)
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  /** Why the lab's state shown may be out of date (the last poll failed). */
  const [staleReason, setStaleReason] = useState<string | null>(null)
  const [currentStep, setCurrentStep] = useState(() => initialState.steps.find((s) => !s.passed)?.id ?? lab.steps[0]?.id ?? '')
  const [checking, setChecking] = useState(false)
  const [checkBlocked, setCheckBlocked] = useState<{ stepId: string; until: number } | null>(null)
  const [result, setResult] = useState<CheckOutcome | null>(null)
  const [tab, setTab] = useState<string>(`shell:${lab.shellHosts[0] ?? ''}`)
  // One clock reading for both, so the first render (server and hydration alike) shows the
  // runner's secondsLeft exactly; two readings could straddle a millisecond and differ by one.
  const [fetchedAt, setFetchedAt] = useState(() => Date.now())
  const [now, setNow] = useState(fetchedAt)
  const [busyAction, setBusyAction] = useState<string | null>(null)

  const sandbox = state.sandbox
  const ready = sandbox?.state === 'ready'
  const provisioning = sandbox?.state === 'provisioning' || starting || queue !== null

  /** Fetches the lab's state and shows it; answers it too, or null when the poll failed. */
  const refresh = useCallback(async (): Promise<LabStateView | null> => {
    try {
      const next = await labApi<LabStateView>(lab.slug, 'state')
      setFetchedAt(Date.now())
      setState(next)
      setStaleReason(null)
      return next
    } catch (e) {
      const status = e instanceof LabApiError ? e.status : 0
      if (status === 0 || status >= 500) {
        // Likely to pass: polling goes on, and the notice goes with the first poll that gets through.
        setStaleReason(status === 0 ? 'Lost contact with Helix Academy (the connection dropped or the network changed).' : (e as Error).message)
      } else {
        setError((e as Error).message)
      }
      return null
    }
  }, [lab.slug])

  // Poll fast while starting, slowly while running (the runner's clock is the truth), and every
  // few seconds after a failed poll until one gets through.
  useEffect(() => {
    if (queue) return
    const every = sandbox?.state === 'provisioning' ? 1000 : staleReason ? 5000 : sandbox?.state === 'ready' ? 15000 : 0
    if (every === 0) return
    const timer = setInterval(() => void refresh(), every)
    return () => clearInterval(timer)
  }, [queue, refresh, sandbox?.state, staleReason])

  // Queued: asking again keeps our place (the runner drops requests nobody polls).
  useEffect(() => {
    if (!queue) return
    const timer = setInterval(() => {
      labApi<StartOutcome>(lab.slug, 'start', { body: {}, retry: true })
        .then((outcome) => {
          if (outcome.status === 'queued') setQueue({ position: outcome.position, estimatedWaitS: outcome.estimatedWaitS })
          else {
            setQueue(null)
            void refresh()
          }
        })
        .catch((e: unknown) => setError((e as Error).message))
    }, 5000)
    return () => clearInterval(timer)
  }, [lab.slug, queue, refresh])

  useEffect(() => {
    if (!ready) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [ready])

  async function start() {
    setStarting(true)
    setError(null)
    try {
      const outcome = await labApi<StartOutcome>(lab.slug, 'start', { body: {}, retry: true })
      if (outcome.status === 'queued') setQueue({ position: outcome.position, estimatedWaitS: outcome.estimatedWaitS })
      else await refresh()
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setStarting(false)
    }
  }

  async function action(name: 'extend' | 'reset' | 'end', confirmText?: string) {
    if (confirmText && !window.confirm(confirmText)) return
    setBusyAction(name)
    setError(null)
    try {
      await labApi(lab.slug, name, { body: {} })
      await refresh()
    } catch (e) {
      const next = await refresh()
      // End is not repeated (a second one would fail); when only its answer was lost, the lab has ended.
      const endedAnyway = name === 'end' && e instanceof LabApiError && e.status === 0 && next !== null && next.sandbox === null
      if (!endedAnyway) setError((e as Error).message)
    } finally {
      setBusyAction(null)
    }
  }

  const clearCheckBlock = useCallback(() => setCheckBlocked(null), [])

  async function check() {
    setChecking(true)
    setResult(null)
    setError(null)
    try {
      // One key per press: a repeat of this request (no answer arrived) is never a second attempt.
      const body = { requestKey: newRequestKey() }
      setResult(await labApi<CheckOutcome>(lab.slug, `steps/${encodeURIComponent(currentStep)}/check`, { body, retry: true }))
    } catch (e) {
      const wait = e instanceof LabApiError ? e.retryAfterSeconds : undefined
      if (wait !== undefined) setCheckBlocked({ stepId: currentStep, until: Date.now() + wait * 1000 })
      setError((e as Error).message)
    } finally {
      setChecking(false)
      await refresh()
    }
  }

  async function openServiceTab(host: string, port: number) {
    // Open the window now (a popup opened after an await is blocked), point it at the link once minted.
    const win = window.open('about:blank', '_blank')
    try {
      const { url } = await labApi<{ url: string }>(lab.slug, 'service-tab', { body: { host, port }, retry: true })
      if (win) win.location.href = url
    } catch (e) {
      win?.close()
      setError((e as Error).message)
    }
  }

  const step = lab.steps.find((s) => s.id === currentStep) ?? lab.steps[0]
  const progress = state.steps.find((s) => s.id === step?.id)
  const elapsedS = Math.max(0, Math.floor((now - fetchedAt) / 1000))
  const secondsLeft = sandbox ? Math.max(0, sandbox.secondsLeft - elapsedS) : 0
  const servicesUp = sandbox?.services.filter(isServiceUp).length ?? 0

  return (
    <div className={styles.workspace}>
      <section className={styles.left} aria-label="Steps">
        <ol className={styles.stepList}>
          {lab.steps.map((s, i) => {
            const p = state.steps.find((x) => x.id === s.id)
            return (
              <li key={s.id}>
                <button
                  type="button"
                  className={styles.stepButton}
                  aria-current={s.id === step?.id ? 'step' : undefined}
                  onClick={() => {
                    setCurrentStep(s.id)
                    setResult(null)
                  }}
                >
                  <span className={styles.stepMark} data-passed={p?.passed ? 'true' : 'false'} aria-label={p?.passed ? 'passed' : 'not passed'}>
                    {p?.passed ? '✓' : i + 1}
                  </span>
                  <span className={styles.stepTitle}>{s.title}</span>
                  <span className={styles.stepPoints}>
                    {p?.pointsEarned ?? 0}/{s.points} pts
                  </span>
                </button>
              </li>
            )
          })}
        </ol>
        <p className="muted">
          Points: <strong>{state.pointsEarned}</strong> of {state.totalPoints}
        </p>
        {step && (
          <article className={styles.instructions}>
            {step.showTitle && <h2>{step.title}</h2>}
            {step.instructions}
            <div className={styles.checkRow}>
              <button type="button" className="button primary" onClick={() => void check()} disabled={!ready || checking || checkBlocked?.stepId === step.id}>
                {checking ? 'Checking…' : 'Check'}
              </button>
              {checkBlocked?.stepId === step.id && <CheckCooldown until={checkBlocked.until} onDone={clearCheckBlock} />}
              {progress && progress.attempts > 0 && (
                <span className="muted">
                  {progress.attempts} attempt{progress.attempts === 1 ? '' : 's'}
                  {progress.passed ? ' · passed' : ''}
                </span>
              )}
            </div>
            {result && result.stepId === step.id && (
              <div className={styles.result} data-passed={result.passed ? 'true' : 'false'} role="status" aria-live="polite">
                <strong>{result.passed ? (result.firstPass ? `Passed! +${step.points} points` : 'Passed') : result.timedOut ? 'The check timed out' : 'Not yet'}</strong>
                {result.fail.length > 0 && (
                  <ul>
                    {result.fail.map((line, i) => (
                      <li key={`f${i}`}>
                        <span className={styles.tagFail}>FAIL</span> {line}
                      </li>
                    ))}
                  </ul>
                )}
                {result.hint.length > 0 && (
                  <ul>
                    {result.hint.map((line, i) => (
                      <li key={`h${i}`}>
                        <span className={styles.tagHint}>HINT</span> {line}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            {progress && progress.hints.length > 0 && (
              <details className={styles.hints} open={!progress.passed}>
                <summary>Hints ({progress.hints.length})</summary>
                <ul>
                  {progress.hints.map((h, i) => (
                    <li key={i}>{h}</li>
                  ))}
                </ul>
              </details>
            )}
            {progress && !progress.passed && progress.nextHintIn !== null && (
              <p className="muted">
                Another hint unlocks after {progress.nextHintIn} more failed check{progress.nextHintIn === 1 ? '' : 's'}.
              </p>
            )}
          </article>
        )}
      </section>

      <section className={styles.right} aria-label="Lab environment">
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        {staleReason && (
          <p className="alert info" role="status">
            {staleReason} Trying again every few seconds; until then the lab&apos;s status below may be out of date.
          </p>
        )}
        {!ready ? (
          <div className={styles.startPanel}>
            {!state.engine.available ? (
              <p className="alert error" role="alert">
                The lab engine is unavailable. {state.engine.message}
              </p>
            ) : (
              <>
                {state.expired && !provisioning && (
                  <p className="alert info" role="status">
                    Your sandbox expired. Your passed steps and points are kept — start a fresh sandbox to continue.
                  </p>
                )}
                {sandbox?.state === 'failed' && (
                  <p className="alert error" role="alert">
                    The sandbox could not start: {sandbox.error ?? 'unknown error'}. Start again to retry.
                  </p>
                )}
                {queue ? (
                  <p role="status" aria-live="polite">
                    All lab machines are busy. You are number <strong>{queue.position}</strong> in the queue (about{' '}
                    {Math.max(1, Math.round(queue.estimatedWaitS / 60))} min). Keep this page open.
                  </p>
                ) : provisioning ? (
                  <ProvisioningProgress services={lab.services} statuses={sandbox?.services ?? []} provisioning={sandbox?.provisioning ?? null} />
                ) : (
                  <>
                    <p>
                      Start the lab to get your own private environment ({lab.services.length} services). It runs for a limited
                      time; you can extend it.
                    </p>
                    <button type="button" className="button primary" onClick={() => void start()} disabled={starting}>
                      {state.expired ? 'Start a fresh sandbox' : 'Start lab'}
                    </button>
                  </>
                )}
              </>
            )}
          </div>
        ) : (
          <>
            {sandbox.viewers > 0 && (
              <p className={styles.watchNotice} role="status" data-testid="watch-notice">
                <span aria-hidden="true">👁</span> An instructor is watching your terminal
                {sandbox.viewers > 1 ? ` (${sandbox.viewers} viewers)` : ''}. They can see your screen but cannot type.
              </p>
            )}
            <div role="tablist" aria-label="Lab tools" className={styles.tabs}>
              {lab.shellHosts.map((host) => (
                <button
                  key={host}
                  type="button"
                  role="tab"
                  aria-selected={tab === `shell:${host}`}
                  className={styles.tab}
                  onClick={() => setTab(`shell:${host}`)}
                >
                  Terminal: {host}
                </button>
              ))}
              {lab.hasEditableFiles && (
                <button type="button" role="tab" aria-selected={tab === 'editor'} className={styles.tab} onClick={() => setTab('editor')}>
                  Editor
                </button>
              )}
              {lab.dashboard && (
                <button type="button" role="tab" aria-selected={tab === 'dashboard'} className={styles.tab} onClick={() => setTab('dashboard')}>
                  Dashboard
                </button>
              )}
              {lab.serviceTabs.map((t) => (
                <button key={`${t.host}:${t.port}`} type="button" className={styles.tab} onClick={() => void openServiceTab(t.host, t.port)}>
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
                    <LabDashboard labSlug={lab.slug} file={lab.dashboard.file} active onOpenEditor={lab.hasEditableFiles ? () => setTab('editor') : undefined} />
                  )}
                </div>
              )}
            </div>
            <div className={styles.statusBar} role="group" aria-label="Sandbox status">
              <span title={sandbox.services.map((s) => `${s.host}: ${s.state}${s.health !== 'none' ? ` (${s.health})` : ''}${s.exitCode !== undefined && s.state === 'exited' ? ` exit ${s.exitCode}` : ''}`).join('\n')}>
                Services {servicesUp}/{sandbox.services.length} OK
              </span>
              <span aria-live="off">Time left {formatDuration(secondsLeft)}</span>
              <button
                type="button"
                className="button small"
                disabled={busyAction !== null || sandbox.extensionsLeft === 0}
                onClick={() => void action('extend')}
              >
                Extend ({sandbox.extensionsLeft} left)
              </button>
              <button
                type="button"
                className="button small"
                disabled={busyAction !== null}
                onClick={() => void action('reset', 'Reset the sandbox? Every container starts again from scratch. Passed steps are kept.')}
              >
                Reset
              </button>
              <button
                type="button"
                className="button small"
                disabled={busyAction !== null}
                onClick={() => void action('end', 'End the lab? The sandbox is deleted. Passed steps are kept.')}
              >
                End
              </button>
            </div>
          </>
        )}
      </section>
    </div>
  )
}
