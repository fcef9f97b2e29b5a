// Request and response shapes of the lab-runner REST API (web app → runner, service token).
// Pure zod + types so the web app's client and the runner's server share one definition.
import { z } from 'zod'

const id = z.string().min(1).max(200)
const host = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'must be a service name of the lab topology')

export const createSandboxRequestSchema = z.strictObject({
  userId: id,
  labSlug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lab slug'),
  /** Overrides the per-sandbox seed (instructors reproducing a learner's variant). */
  seed: z
    .string()
    .regex(/^[0-9]{1,10}$/, 'must be a number')
    .optional(),
  /** The learner's scheduled lab session (issue 13): its warm pool is tried before the lab's. */
  poolSession: id.optional(),
})
export type CreateSandboxRequest = z.infer<typeof createSandboxRequestSchema>

/** A scheduled lab session in its window (from ten minutes before its start to its end). */
export const poolSessionSchema = z.strictObject({
  id,
  labSlug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lab slug'),
  seats: z.number().int().min(0).max(500),
})
export type PoolSession = z.infer<typeof poolSessionSchema>

/**
 * The web app's whole desired warm-pool state: pool size per lab (admin settings; labs left out
 * keep the runner's RUNNER_POOL_SIZES) and the sessions to warm now (all of them: a session
 * missing from the list is over and its unclaimed sandboxes are released).
 */
export const configurePoolsRequestSchema = z.strictObject({
  labs: z.record(z.string(), z.number().int().min(0).max(100)).optional(),
  sessions: z.array(poolSessionSchema).max(200).optional(),
})
export type ConfigurePoolsRequest = z.infer<typeof configurePoolsRequestSchema>

export const poolPlanQuerySchema = z.strictObject({
  labSlug: z.string().min(1),
  seats: z.coerce.number().int().min(1).max(500),
})

/** One pool (`lab:<slug>` or `session:<id>`). */
export interface PoolStatus {
  key: string
  labSlug: string
  sessionId?: string
  /** Asked for (admin setting or session seats). */
  wanted: number
  /** What the memory budget and the sandbox limit allow now (sessions: minus learners who started). */
  target: number
  ready: number
  starting: number
  /** Sessions: starts served from this pool, and session learners who started cold. */
  claimed: number
  coldStarts: number
}

export interface PoolsStatus {
  pools: PoolStatus[]
  /** Since the runner started: starts from a pool (hits) and cold (misses); claim-to-ready times. */
  labs: Array<{
    labSlug: string
    hits: number
    misses: number
    claimP50S: number | null
    claimP95S: number | null
  }>
  memoryBudgetBytes: number
  memoryUsedBytes: number
}

/** How many warm sandboxes of a lab the engine can hold for a session, and why not more. */
export interface PoolPlan {
  labSlug: string
  seats: number
  holdable: number
  sandboxMemoryBytes: number
  reasons: string[]
}

export const listSandboxesQuerySchema = z.strictObject({ userId: id.optional() })

export const ticketRequestSchema = z.strictObject({
  userId: id,
  host,
  mode: z.enum(['rw', 'ro']).default('rw'),
  tab: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,32}$/)
    .optional(),
})
export type TicketRequest = z.infer<typeof ticketRequestSchema>

export const fileQuerySchema = z.strictObject({
  host,
  path: z.string().regex(/^\//, 'must be an absolute path'),
})
export const fileWriteRequestSchema = z.strictObject({ content: z.string().max(1024 * 1024) })

export const faultRequestSchema = z.strictObject({
  action: z.enum(['stop', 'kill', 'pause', 'unpause', 'restart', 'isolate', 'restore']),
  host,
})
export type FaultRequest = z.infer<typeof faultRequestSchema>

export type SandboxState = 'provisioning' | 'ready' | 'failed'

/**
 * Why a sandbox is `failed`: its provisioning failed (`error` says why), or the runner stopped
 * while it was provisioning and removed the half-built sandbox after restarting (`interrupted`:
 * nothing of the learner's was lost; starting the lab again builds a fresh one).
 */
/** `machine-lost`: the engine lost the machine running the sandbox (a Swarm node went down). */
export type SandboxFailureCode = 'provisioning-failed' | 'interrupted' | 'machine-lost'

export interface SandboxSummary {
  id: string
  ownerId: string
  labSlug: string
  state: SandboxState
  createdAt: string
  /** Hard time limit (extensions move it). */
  expiresAt: string
  /** When the sandbox is reaped if nobody uses it; moves with activity. */
  idleExpiresAt: string
  extensionsUsed: number
  extensionsLeft: number
  /** Why provisioning failed, in words for the learner's instructor. */
  error?: string
  /** With state `failed`: which kind of failure (older runners leave it out). */
  errorCode?: SandboxFailureCode
}

export interface ServiceStatus {
  host: string
  state: 'running' | 'exited' | 'paused' | 'restarting' | 'created' | 'dead' | 'removing' | 'missing'
  health: 'healthy' | 'unhealthy' | 'starting' | 'none'
  exitCode?: number
}

/**
 * A sandbox may first wait for one of the runner's provisioning slots (other sandboxes are
 * starting); then its services start in dependency order; then the lab's setup hook runs.
 */
export type ProvisioningPhase =
  | 'waiting-for-slot'
  | 'starting-services'
  | 'running-setup'
  /** A warm pool sandbox taking its learner's seed and setup (seconds at most). */
  | 'personalising'

/** How a start was served: a warm pool sandbox, a cold start, or the learner's running one. */
export type StartKind = 'warm' | 'cold' | 'existing'

/** `typicalS`: how long this lab has been taking to start on this runner. */
export interface ProvisioningStatus {
  phase: ProvisioningPhase
  elapsedS: number
  typicalS: number
}

/**
 * The sandbox's disk use against its budget (container writable layers, named volumes and
 * container logs), as last measured by the runner's watchdog. `warning` from 80 %; at 100 %
 * the container that wrote the most is stopped (`stoppedHosts`) and `message` tells the
 * learner what happened and how to recover (reset the lab).
 */
export interface SandboxDiskStatus {
  usedBytes: number
  budgetBytes: number
  level: 'ok' | 'warning' | 'over'
  /** For the learner, when level is not `ok`. */
  message?: string
  stoppedHosts: string[]
  measuredAt: string
}

/** What the sandbox registry knows; the HTTP route adds the terminal server's live figures. */
export interface SandboxRuntimeStatus extends SandboxSummary {
  /** Until the sandbox is deleted: the sooner of the two clocks below. */
  secondsLeft: number
  /** Until it is deleted as idle (restarted by terminal input, saves, checks, service tabs). */
  idleSecondsLeft: number
  /** Until the lab's time limit (plus extensions) runs out, however active the learner is. */
  labSecondsLeft: number
  /** Every service of the lab, also while provisioning ("missing" = not created yet). */
  services: ServiceStatus[]
  /** Only while provisioning. */
  provisioning?: ProvisioningStatus
  /** Once the disk watchdog has measured a ready sandbox (absent before, or on older runners). */
  disk?: SandboxDiskStatus
}

export interface SandboxStatus extends SandboxRuntimeStatus {
  /** Read-only terminal sessions (instructors watching) open on this sandbox right now. */
  viewers: number
}

export type CreateSandboxResponse =
  | { status: 'ready' | 'provisioning'; sandbox: SandboxSummary; start?: StartKind }
  | { status: 'queued'; position: number; estimatedWaitS: number; start?: 'cold' }

/**
 * Every error code a runner endpoint answers with (the runner's HttpError accepts only these,
 * so the list cannot fall behind). Grouped by where they arise.
 */
export const RUNNER_ERROR_CODES = [
  // Any endpoint
  'unauthorized',
  'invalid-request',
  'method-not-allowed',
  'too-large',
  'internal',
  // Sandboxes and labs
  'not-found',
  'unknown-lab',
  'extension-limit',
  'not-ready',
  'engine-unavailable',
  /** The runner cannot enforce sandbox isolation (host firewall); it starts no sandbox until it can. */
  'isolation-unavailable',
  'host-unknown',
  'host-not-allowed',
  'no-dashboard',
  // Files of the in-browser editor
  'path-invalid',
  'path-not-editable',
  'not-a-file',
  'not-text',
  'permission-denied',
  'changed-during-write',
  'exec-failed',
  // Fault injection
  'invalid-state',
  'no-network',
  'engine-error',
  // Service tabs (browser-facing proxy)
  'not-a-service-tab',
  'origin-not-allowed',
  'ticket-invalid',
] as const
export type RunnerErrorCode = (typeof RUNNER_ERROR_CODES)[number]

/** What a check or solve script run reports (lab-runner/src/exec/run-script.ts). */
export interface ScriptFeedback {
  fail: string[]
  hint: string[]
}

export interface ScriptResult {
  passed: boolean
  /** `null` when there is no exit code (the script could not start, or never returned). */
  exitCode: number | null
  durationMs: number
  /** stdout and stderr interleaved as they arrived, capped, ending in a `[truncated …]` marker when cut. */
  output: string
  feedback: ScriptFeedback
  timedOut: boolean
  /** Set when the script could not run at all (unknown host, container stopped). */
  error?: { code: 'host-unknown' | 'exec-failed'; message: string }
}

/** `POST /v1/sandboxes/:id/steps/:stepId/{check,solve}` */
export interface StepScriptResponse {
  stepId: string
  result: ScriptResult
}

/** The one error shape of every runner endpoint. */
export interface RunnerErrorBody {
  error: { code: RunnerErrorCode; message: string; issues?: Array<{ path: string; message: string }> }
}
