'use client'
// The lab page's interactive part: steps + Check on the left; terminals, editor and service
// tabs on the right; a status bar with time left, Extend, Reset and End.
import { useCallback, useEffect, useState, type ReactNode } from 'react'
import {
  LabApiError,
  labApi,
  newRequestKey,
  type CheckOutcome,
  type LabActionResult,
  type LabState,
  type ServiceTab,
  type StartOutcome,
} from './lab-api'
import { CheckCooldown } from './check-cooldown'
import { DiskWarning } from './disk-warning'
import { IdleWarning } from './idle-warning'
import { LabCheckResult } from './lab-check-result'
import { LabStartPanel } from './lab-start-panel'
import { LabStatusBar } from './lab-status-bar'
import { LabTools } from './lab-tools'
import { LabStepList } from './lab-step-list'
import { SandboxClocks } from './sandbox-clocks'
import styles from './lab.module.css'

export interface WorkspaceLab {
  slug: string
  title: string
  services: string[]
  shellHosts: string[]
  hasEditableFiles: boolean
  serviceTabs: Array<{ label: string; host: string; port: number }>
  /** The lab's in-app dashboard: where the learner writes its panels file. */
  dashboard?: { file: { host: string; path: string } }
  steps: Array<{
    id: string
    title: string
    points: number
    /** Steps whose check must pass (in this sandbox) before this one's check runs. */
    requires: string[]
    showTitle: boolean
    instructions: ReactNode
  }>
}

export function LabWorkspace({ lab, initialState }: { lab: WorkspaceLab; initialState: LabState }) {
  const [state, setState] = useState(initialState)
  const [queue, setQueue] = useState<{ position: number; estimatedWaitS: number } | null>(null)
  const [starting, setStarting] = useState(false)
  /** Set by Start: no warm sandbox was free, so this one starts from scratch (the learner is told). */
  const [coldStart, setColdStart] = useState(false)
  const [error, setError] = useState<string | null>(null)
  /** Why the lab's state shown may be out of date (the last poll failed). */
  const [staleReason, setStaleReason] = useState<string | null>(null)
  const [currentStep, setCurrentStep] = useState(
    () => initialState.steps.find((s) => !s.passed)?.id ?? lab.steps[0]?.id ?? '',
  )
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
  const refresh = useCallback(async (): Promise<LabState | null> => {
    try {
      const next = await labApi<LabState>(lab.slug, 'state')
      setFetchedAt(Date.now())
      setState(next)
      setStaleReason(null)
      return next
    } catch (e) {
      const status = e instanceof LabApiError ? e.status : 0
      if (status === 0 || status >= 500) {
        // Likely to pass: polling goes on, and the notice goes with the first poll that gets through.
        setStaleReason(
          status === 0
            ? 'Lost contact with Helix Academy (the connection dropped or the network changed).'
            : (e as Error).message,
        )
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
    const every =
      sandbox?.state === 'provisioning' ? 1000 : staleReason ? 5000 : sandbox?.state === 'ready' ? 15000 : 0
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
          if (outcome.status === 'queued')
            setQueue({ position: outcome.position, estimatedWaitS: outcome.estimatedWaitS })
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
      setColdStart(outcome.start === 'cold')
      if (outcome.status === 'queued')
        setQueue({ position: outcome.position, estimatedWaitS: outcome.estimatedWaitS })
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
      await labApi<LabActionResult>(lab.slug, name, { body: {} })
      await refresh()
    } catch (e) {
      const next = await refresh()
      // End is not repeated (a second one would fail); when only its answer was lost, the lab has ended.
      const endedAnyway =
        name === 'end' && e instanceof LabApiError && e.status === 0 && next !== null && next.sandbox === null
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
      setResult(
        await labApi<CheckOutcome>(lab.slug, `steps/${encodeURIComponent(currentStep)}/check`, {
          body,
          retry: true,
        }),
      )
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
    // One browser tab per service tab: opening it again reuses that window.
    const name = `service-tab-${host}-${port}`
    const win = window.open('about:blank', name)
    try {
      const tab = await labApi<ServiceTab>(lab.slug, 'service-tab', { body: { host, port }, retry: true })
      // The runner takes the ticket only in a POST from this page (never from a link), so a tab
      // link cannot be forwarded to another learner.
      const form = document.createElement('form')
      form.method = 'POST'
      form.action = tab.action
      form.target = name
      for (const [field, value] of Object.entries({ ticket: tab.ticket, path: tab.path })) {
        const input = document.createElement('input')
        input.type = 'hidden'
        input.name = field
        input.value = value
        form.append(input)
      }
      document.body.append(form)
      form.submit()
      form.remove()
    } catch (e) {
      win?.close()
      setError((e as Error).message)
    }
  }

  function selectStep(id: string) {
    setCurrentStep(id)
    setResult(null)
  }

  const step = lab.steps.find((s) => s.id === currentStep) ?? lab.steps[0]
  const progress = state.steps.find((s) => s.id === step?.id)
  const waitingFor = (step?.requires ?? [])
    .filter((id) => !state.steps.find((s) => s.id === id)?.passed)
    .map((id) => lab.steps.find((s) => s.id === id)?.title ?? id)
  const elapsedS = Math.max(0, Math.floor((now - fetchedAt) / 1000))

  return (
    <div className={styles.workspace}>
      <section className={styles.left} aria-label="Steps">
        <LabStepList
          steps={lab.steps}
          progress={state.steps}
          currentStepId={step?.id}
          onSelect={selectStep}
        />
        <p className="muted">
          Points: <strong>{state.pointsEarned}</strong> of {state.totalPoints}
        </p>
        {step && (
          <article className={styles.instructions}>
            {step.showTitle && <h2>{step.title}</h2>}
            {step.instructions}
            <div className={styles.checkRow}>
              <button
                type="button"
                className="button primary"
                onClick={() => void check()}
                disabled={!ready || checking || waitingFor.length > 0 || checkBlocked?.stepId === step.id}
                aria-describedby={waitingFor.length > 0 ? 'step-requires' : undefined}
              >
                {checking ? 'Checking…' : 'Check'}
              </button>
              {checkBlocked?.stepId === step.id && (
                <CheckCooldown until={checkBlocked.until} onDone={clearCheckBlock} />
              )}
              {progress && progress.attempts > 0 && (
                <span className="muted">
                  {progress.attempts} attempt{progress.attempts === 1 ? '' : 's'}
                  {progress.passed ? ' · passed' : ''}
                </span>
              )}
            </div>
            {waitingFor.length > 0 && (
              <p id="step-requires" className="muted">
                This check judges the work of earlier steps, so it runs once{' '}
                {waitingFor.map((t) => `“${t}”`).join(', ')} {waitingFor.length === 1 ? 'has' : 'have'}{' '}
                passed.
              </p>
            )}
            {result && result.stepId === step.id && <LabCheckResult result={result} points={step.points} />}
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
                Another hint unlocks after {progress.nextHintIn} more failed check
                {progress.nextHintIn === 1 ? '' : 's'}.
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
            {staleReason} Trying again every few seconds; until then the lab&apos;s status below may be out of
            date.
          </p>
        )}
        {!ready ? (
          <LabStartPanel
            state={state}
            services={lab.services}
            queue={queue}
            provisioning={provisioning}
            starting={starting}
            coldStart={coldStart}
            onStart={() => void start()}
          />
        ) : (
          <>
            <IdleWarning
              labSlug={lab.slug}
              idleSecondsLeft={sandbox.idleSecondsLeft - elapsedS}
              labSecondsLeft={sandbox.labSecondsLeft - elapsedS}
              idleTimeoutS={sandbox.idleTimeoutS}
              onKept={refresh}
            />
            <DiskWarning disk={sandbox.disk} />
            {sandbox.viewers > 0 && (
              <p className={styles.watchNotice} role="status" data-testid="watch-notice">
                <span aria-hidden="true">👁</span> An instructor is watching your terminal
                {sandbox.viewers > 1 ? ` (${sandbox.viewers} viewers)` : ''}. They can see your screen but
                cannot type.
              </p>
            )}
            <LabTools
              lab={lab}
              tab={tab}
              onTab={setTab}
              onOpenServiceTab={(host, port) => void openServiceTab(host, port)}
            />
            <LabStatusBar
              services={sandbox.services}
              clocks={
                <SandboxClocks
                  idleSecondsLeft={sandbox.idleSecondsLeft - elapsedS}
                  labSecondsLeft={sandbox.labSecondsLeft - elapsedS}
                />
              }
              extensionsLeft={sandbox.extensionsLeft}
              busy={busyAction !== null}
              onAction={(name, confirmText) => void action(name, confirmText)}
            />
          </>
        )}
      </section>
    </div>
  )
}
