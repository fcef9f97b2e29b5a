// The one registry of live sandboxes: lifecycle (create / status / extend / reset / delete),
// one live sandbox per (user, lab), time-limit and idle expiry, capacity with a FIFO queue,
// and re-adoption of what a previous runner left on the engine. Everything it knows is also
// written to Docker labels, so it can be rebuilt from the engine alone.
import { randomBytes } from 'node:crypto'
import type Docker from 'dockerode'
import type { LabCatalog, LoadedLab } from '../../../contracts/load-lab-definitions'
import type { SandboxEngine } from '../engine/sandbox-engine'
import { engineMessage, ProvisionError, volumeName, type HostAddress } from '../topology/docker-driver'
import type { FirewallResult } from '../topology/host-firewall'
import { declaredSecretNames, parseTopologyFile } from '../topology/parse-topology'
import { readFileSync } from 'node:fs'
import { EXTENSION_KIND, LABEL, PROVISIONED_KIND } from './labels'
import {
  decodeVariables,
  encodeVariables,
  generateVariables,
  newSeed,
  type SandboxVariables,
} from './sandbox-variables'
import { CapacityQueue } from './capacity-queue'
import { diskStatus } from './disk-usage'
import { ProvisioningSlots } from './provisioning-slots'
import { reseedServices } from './reseed-services'
import { parseLabTopology, seedBoundServices } from './seed-bound-services'
import type {
  ProvisioningPhase,
  SandboxDiskStatus,
  StartKind,
  SandboxFailureCode,
  SandboxRuntimeStatus,
  SandboxState,
  SandboxStatus,
  SandboxSummary,
} from '../../../contracts/runner-api'

export type { SandboxRuntimeStatus, SandboxState, SandboxStatus, SandboxSummary }

/** Owner of a warm pool sandbox nobody has claimed yet (never a user id: those are cuids). */
export const POOL_OWNER = 'academy-pool'

/** A warm sandbox as the pool manager sees it. */
export interface PooledSandbox {
  id: string
  labSlug: string
  poolKey: string
  state: SandboxState
  createdAt: number
}

/** A sandbox as the exec layer, terminals, files, faults and the proxy see it. */
export interface SandboxRef {
  id: string
  ownerId: string
  labSlug: string
  expiresAt: Date
  hosts: Record<string, { containerId: string; ip: string }>
}

export type CreateOutcome =
  | { status: 'ready' | 'provisioning'; sandbox: SandboxSummary; start: StartKind }
  | { status: 'queued'; position: number; estimatedWaitS: number; start: 'cold' }
  | { status: 'error'; code: 'unknown-lab' | 'engine-unavailable' | 'isolation-unavailable'; message: string }

export type ActionOutcome =
  | { ok: true; sandbox: SandboxSummary }
  | {
      ok: false
      code: 'not-found' | 'extension-limit' | 'not-ready' | 'engine-unavailable' | 'isolation-unavailable'
      message: string
    }

export interface HookRunner {
  (options: {
    sandbox: SandboxRef
    lab: LoadedLab
    hook: 'setup' | 'cleanup'
  }): Promise<{ ok: boolean; message: string }>
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface SandboxRegistryOptions {
  /** Where sandboxes run: one Docker Engine or a Swarm (engine/). */
  engine: SandboxEngine
  catalog: LabCatalog
  labsDir: string
  /** Sandboxes per machine the engine runs them on (RUNNER_MAX_SANDBOXES). */
  maxSandboxes: number
  /** Sandboxes that may provision (create or reset) at the same time; default 2. */
  maxConcurrentProvisioning?: number
  /** Name of this runner; only resources labelled with it are adopted or reaped. */
  instance: string
  /** Added to every resource (tests add `academy.test=1`). */
  extraLabels?: Record<string, string>
  provisionTimeoutMs?: number
  reapIntervalMs?: number
  /** A queued request not polled for this long is dropped (the learner went away). */
  queueStaleMs?: number
  runHook?: HookRunner
  onProvisioned?: (seconds: number) => void
  /** Every fresh start: from a warm pool (with the claim's seconds) or cold. */
  onStart?: (event: { labSlug: string; kind: StartKind; seconds?: number; poolKey?: string }) => void
  /** Isolation from the machines' services (default: the engine's, e.g. the host firewall); no sandbox starts while it fails. */
  ensureFirewall?: () => Promise<FirewallResult>
  /** Development only (RUNNER_UNSAFE_NO_FIREWALL): start sandboxes even without the firewall. */
  allowNoFirewall?: boolean
  /** Disk budget per sandbox (RUNNER_SANDBOX_DISK_MB); unset: disk is not watched. */
  diskBudgetBytes?: number
  /** How often the engine is asked about its machines (watchMachines); default 5 s. */
  machineWatchIntervalMs?: number
  /** How often the disk watchdog measures; default 20 s. */
  diskCheckIntervalMs?: number
  log: Logger
  now?: () => number
}

interface SandboxRecord {
  id: string
  ownerId: string
  labSlug: string
  state: SandboxState
  createdAt: number
  expiresAt: number
  lastActivityAt: number
  extensions: number
  variables: SandboxVariables
  hosts: Record<string, HostAddress>
  error?: string
  errorCode?: SandboxFailureCode
  /** While provisioning: what it is doing and since when (the learner sees it). */
  provisioning?: { phase: ProvisioningPhase; startedAt: number }
  /** The disk watchdog's last measurement, and the hosts it stopped (cleared by a reset). */
  disk?: { status?: SandboxDiskStatus; stoppedHosts: string[] }
  /** Settles when the current provisioning (create or reset) finishes. */
  settled: Promise<void>
  /** Set while the sandbox waits, unclaimed, in a warm pool (`lab:<slug>` or `session:<id>`). */
  pool?: string
  /** While the engine starts services: aborted when the machine they run on is lost. */
  starting?: AbortController
}

const MINUTE = 60_000

/** The machine running a sandbox's services is gone; the message is what the learner reads. */
class MachineLostError extends ProvisionError {
  constructor(reason: string) {
    super(`${reason}; your progress is kept: start the lab again`)
  }
}

export class SandboxRegistry {
  private readonly records = new Map<string, SandboxRecord>()
  private readonly creating = new Map<string, Promise<CreateOutcome>>()
  private readonly queue: CapacityQueue
  private reaper: NodeJS.Timeout | undefined
  private diskWatchdog: NodeJS.Timeout | undefined
  private machineWatch: NodeJS.Timeout | undefined
  /** Machines taking sandboxes, as the engine last said (a lost or drained Swarm node is not one). */
  private machines = 1
  /** Moving average of provisioning time, for queue estimates. */
  private provisionAverageS = 10
  /** The same per lab (a full HA stack takes longer than a small lab), for the learner's estimate. */
  private readonly labProvisionAverageS = new Map<string, number>()
  private readonly provisioningSlots: ProvisioningSlots
  private readonly seedBound = new Map<string, string[]>()
  private readonly now: () => number
  /** start() failed (engine down) and has not succeeded since: the registry does not know which sandboxes exist. */
  private adoptionPending = false
  private firewall: FirewallResult | undefined
  private readonly readyListeners: Array<(sandbox: SandboxRef, shellHosts: readonly string[]) => void> = []

  /** Where this registry's sandboxes run; terminals, files, checks and faults reach them through it. */
  readonly engine: SandboxEngine

  constructor(private readonly options: SandboxRegistryOptions) {
    this.engine = options.engine
    this.now = options.now ?? Date.now
    this.queue = new CapacityQueue({ staleMs: options.queueStaleMs ?? 120_000, now: this.now })
    this.provisioningSlots = new ProvisioningSlots(options.maxConcurrentProvisioning ?? 2)
  }

  // ---- what terminal/, files/ and exec/ use -------------------------------------------

  /** Ready sandboxes only: terminals, files and checks need containers that exist. */
  getSandbox = (id: string): SandboxRef | undefined => {
    const record = this.records.get(id)
    if (!record || record.state !== 'ready') return undefined
    return toRef(record)
  }

  /**
   * Called once a sandbox (a learner's or a warm pool's) has just become ready, with the hosts
   * its lab opens terminals on: the terminal server prepares for the first socket there.
   */
  onReady(listener: (sandbox: SandboxRef, shellHosts: readonly string[]) => void): void {
    this.readyListeners.push(listener)
  }

  /** Records learner activity (terminal input, REST calls) so the idle timer restarts. */
  touch = (id: string): void => {
    const record = this.records.get(id)
    if (record) record.lastActivityAt = this.now()
  }

  /** Re-reads container ids and IPs (after a fault reconnected or restarted a host). */
  async refreshHosts(id: string): Promise<void> {
    const record = this.records.get(id)
    if (!record || record.state !== 'ready') return
    for (const c of await this.engine.listContainers([`${LABEL.sandbox}=${id}`]))
      record.hosts[c.host] = c.address
  }

  /** Variables (seed, secrets) for check and hook scripts. Runner-internal: never send to a browser. */
  scriptEnv(id: string): Record<string, string> | undefined {
    const record = this.records.get(id)
    return record ? { ...record.variables } : undefined
  }

  lab(slug: string): LoadedLab | undefined {
    return this.options.catalog.labs.get(slug)
  }

  counts(): { active: number; queued: number } {
    return { active: this.liveCount(), queued: this.queue.length }
  }

  /** Live (ready), starting (provisioning), queued and the limit: the admin status page's capacity. */
  capacity(): { live: number; starting: number; queued: number; max: number } {
    const records = [...this.records.values()]
    return {
      live: records.filter((r) => r.state === 'ready').length,
      starting: records.filter((r) => r.state === 'provisioning').length,
      queued: this.queue.length,
      max: this.maxLive(),
    }
  }

  /**
   * True while start() has failed and not yet succeeded. Then an unknown sandbox id may well be
   * live (the engine is down, not the sandbox gone), so callers answer engine-unavailable rather
   * than not-found, and the web app does not mark the learner's session expired.
   */
  awaitingEngine(): boolean {
    return this.adoptionPending
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** Concurrent creates for one (user, lab) share one answer, so they cannot make two sandboxes. */
  async create(request: CreateRequest): Promise<CreateOutcome> {
    const key = `${request.userId}\n${request.labSlug}`
    const pending = this.creating.get(key)
    if (pending) return pending
    const outcome = this.createOnce(request).finally(() => this.creating.delete(key))
    this.creating.set(key, outcome)
    return outcome
  }

  private async createOnce(request: CreateRequest): Promise<CreateOutcome> {
    const lab = this.lab(request.labSlug)
    if (!lab)
      return { status: 'error', code: 'unknown-lab', message: `no lab "${request.labSlug}" is loaded` }
    const existing = [...this.records.values()].find(
      (r) => r.ownerId === request.userId && r.labSlug === request.labSlug,
    )
    if (existing && existing.state !== 'failed') {
      this.touch(existing.id)
      return { status: existing.state, sandbox: this.summary(existing), start: 'existing' }
    }
    if (this.adoptionPending || !(await this.engineReachable())) return engineUnavailable()
    const isolation = await this.isolationProblem()
    if (isolation) return { status: 'error', code: 'isolation-unavailable', message: isolation }
    if (existing) await this.remove(existing)

    const queued = this.queue.find(request.userId, request.labSlug)
    if (!queued) {
      const claimed = this.claimPooled(lab, request)
      if (claimed) return claimed
    }
    // Warm sandboxes nobody has claimed give way to a learner who would otherwise wait.
    if (!queued && this.liveCount() >= this.maxLive()) this.evictPooled()
    if (queued || this.liveCount() >= this.maxLive()) {
      const position = this.queue.enqueue(request)
      return { status: 'queued', position, estimatedWaitS: this.estimatedWaitS(position), start: 'cold' }
    }
    const record = this.provision(lab, request)
    this.options.onStart?.({ labSlug: lab.definition.slug, kind: 'cold', poolKey: sessionKey(request) })
    return {
      status: record.state === 'ready' ? 'ready' : 'provisioning',
      sandbox: this.summary(record),
      start: 'cold',
    }
  }

  // ---- warm pools (the pool manager decides how many; the registry owns the sandboxes) ------

  /** Unclaimed warm sandboxes, ready or still provisioning. */
  pooled(): PooledSandbox[] {
    return [...this.records.values()]
      .filter((r) => r.pool !== undefined && !r.pool.endsWith('|releasing') && r.state !== 'failed')
      .map((r) => ({
        id: r.id,
        labSlug: r.labSlug,
        poolKey: r.pool as string,
        state: r.state,
        createdAt: r.createdAt,
      }))
  }

  /**
   * Whether the pool may start one more sandbox now: a free provisioning slot (refills never
   * make a learner wait for one), nobody queued, and room under the sandbox limit.
   */
  canRefill(): boolean {
    return (
      !this.adoptionPending &&
      this.provisioningSlots.inUse < this.provisioningSlots.limit &&
      this.provisioningSlots.queued === 0 &&
      this.queue.length === 0 &&
      this.liveCount() < this.maxLive()
    )
  }

  /**
   * Starts one warm sandbox: every service, with secrets drawn for this sandbox alone and a seed
   * tied to nobody. The setup hook (it reads the learner's seed) waits for the claim.
   */
  async startPooled(labSlug: string, poolKey: string): Promise<string | undefined> {
    const lab = this.lab(labSlug)
    if (!lab || !this.canRefill()) return undefined
    if (!(await this.engineReachable()) || (await this.isolationProblem())) return undefined
    // Variant labs: a random seed no learner has; others: the seed everyone shares.
    const seed = newSeed(lab.definition.variantSeed)
    const record = this.provision(lab, { userId: POOL_OWNER, labSlug, seed }, poolKey)
    return record.id
  }

  /** Removes an unclaimed warm sandbox (recycled, trimmed, or its session ended). */
  async releasePooled(id: string): Promise<boolean> {
    const record = this.records.get(id)
    if (!record || record.pool === undefined) return false
    // Claimed while we waited: it is a learner's now.
    record.pool = `${record.pool}|releasing`
    await record.settled
    if (record.ownerId !== POOL_OWNER) return false
    await this.remove(record)
    return true
  }

  /**
   * Hands a ready warm sandbox to the learner. The pick and the change of owner happen in one
   * synchronous step, so two concurrent starts can never take the same sandbox.
   */
  private claimPooled(lab: LoadedLab, request: CreateRequest): Promise<CreateOutcome> | undefined {
    const keys = [sessionKey(request), `lab:${lab.definition.slug}`].filter((k) => k !== undefined)
    const record = keys
      .map(
        (key) =>
          [...this.records.values()]
            .filter((r) => r.pool === key && r.state === 'ready' && r.labSlug === lab.definition.slug)
            .sort((a, b) => a.createdAt - b.createdAt)[0],
      )
      .find((r) => r !== undefined)
    if (!record) return undefined
    const poolKey = record.pool as string
    const started = this.now()
    record.pool = undefined
    record.ownerId = request.userId
    record.state = 'provisioning'
    record.provisioning = { phase: 'personalising', startedAt: started }
    record.createdAt = started
    record.lastActivityAt = started
    record.expiresAt = started + lab.definition.limits.timeLimitMinutes * MINUTE
    const poolSeed = record.variables['ACADEMY_SEED']
    record.variables = {
      ...record.variables,
      ACADEMY_SEED: request.seed ?? newSeed(lab.definition.variantSeed),
    }
    record.settled = this.personalise(record, lab, poolSeed !== record.variables['ACADEMY_SEED'])
    return record.settled.then(() => {
      const seconds = (this.now() - started) / 1000
      if (record.state !== 'failed')
        this.options.onStart?.({ labSlug: record.labSlug, kind: 'warm', seconds, poolKey })
      return {
        status: record.state === 'ready' ? 'ready' : 'provisioning',
        sandbox: this.summary(record),
        start: 'warm',
      }
    })
  }

  /**
   * The claim-time half of provisioning: the services whose definition uses the seed take the
   * learner's (handed over live where the topology says how, else started again), then the setup
   * hook runs, then the provisioned marker records the new owner (a restarted runner re-adopts
   * it as theirs).
   */
  private async personalise(record: SandboxRecord, lab: LoadedLab, seedChanged: boolean): Promise<void> {
    const log = { sandboxId: record.id, labSlug: record.labSlug }
    try {
      const topology = parseLabTopology(lab, this.options.labsDir, record.variables)
      const labels = this.baseLabels(record)
      const seedBound = seedChanged ? this.seedBoundServices(lab) : []
      const recreate = await reseedServices({
        docker: this.engine.containers,
        services: topology.services.filter((s) => seedBound.includes(s.name)),
        containerIds: Object.fromEntries(Object.entries(record.hosts).map(([h, a]) => [h, a.containerId])),
        seed: record.variables['ACADEMY_SEED'] ?? '',
        warn: (message, fields) => this.options.log.warn(message, { ...log, ...fields }),
      })
      if (recreate.length > 0) {
        const hosts = await this.whileStarting(record, (signal) =>
          this.engine.recreateServices({
            sandboxId: record.id,
            topology,
            services: recreate,
            labels,
            deadline: this.now() + (this.options.provisionTimeoutMs ?? 180_000),
            signal,
          }),
        )
        record.hosts = { ...record.hosts, ...hosts }
      }
      await this.finishProvisioning(record, lab, labels)
      this.options.log.info('warm sandbox claimed', log)
    } catch (error) {
      await this.failProvisioning(record, error, log)
    }
  }

  /** Services whose definition changes with the seed (seed-bound-services.ts), per lab. */
  private seedBoundServices(lab: LoadedLab): string[] {
    const cached = this.seedBound.get(lab.definition.slug)
    if (cached) return cached
    const names = seedBoundServices(lab, this.options.labsDir).map((s) => s.name)
    this.seedBound.set(lab.definition.slug, names)
    return names
  }

  /** Evicts one unclaimed warm sandbox (the youngest, general pools before session pools). */
  private evictPooled(): void {
    const victim = [...this.records.values()]
      .filter((r) => r.pool !== undefined && !r.pool.endsWith('|releasing'))
      .sort(
        (a, b) =>
          Number(a.pool?.startsWith('session:')) - Number(b.pool?.startsWith('session:')) ||
          b.createdAt - a.createdAt,
      )[0]
    if (!victim) return
    this.options.log.info('warm sandbox gives way to a learner', { sandboxId: victim.id })
    victim.pool = `${victim.pool as string}|releasing`
    // Out of the count at once; the containers go in the background.
    this.records.delete(victim.id)
    void victim.settled
      .then(() => this.engine.removeResources(victim.id))
      .catch((e: unknown) =>
        this.options.log.error('removing a warm sandbox failed', {
          sandboxId: victim.id,
          error: engineMessage(e),
        }),
      )
  }

  /** Resolves once the sandbox has finished provisioning (ready or failed). */
  async whenSettled(id: string): Promise<SandboxSummary | undefined> {
    const record = this.records.get(id)
    if (!record) return undefined
    await record.settled
    return this.summary(record)
  }

  async status(id: string): Promise<SandboxRuntimeStatus | undefined> {
    const record = this.records.get(id)
    if (!record) return undefined
    const lab = this.lab(record.labSlug)
    // While provisioning too: the learner watches the services come up one by one.
    const services =
      record.state !== 'failed' && lab
        ? await this.engine.serviceStatus(id, lab.services).catch(() => [])
        : []
    const provisioning = record.state === 'provisioning' && record.provisioning
    return {
      ...this.summary(record),
      secondsLeft: Math.max(0, Math.round((this.effectiveExpiry(record) - this.now()) / 1000)),
      idleSecondsLeft: Math.max(0, Math.round((this.idleExpiry(record) - this.now()) / 1000)),
      labSecondsLeft: Math.max(0, Math.round((record.expiresAt - this.now()) / 1000)),
      services,
      ...(provisioning
        ? {
            provisioning: {
              phase: provisioning.phase,
              elapsedS: Math.max(0, Math.round((this.now() - provisioning.startedAt) / 1000)),
              typicalS: Math.round(this.labProvisionAverageS.get(record.labSlug) ?? this.provisionAverageS),
            },
          }
        : {}),
      ...(record.state === 'ready' && record.disk?.status ? { disk: record.disk.status } : {}),
    }
  }

  list(userId?: string): SandboxSummary[] {
    return [...this.records.values()]
      .filter((r) => r.pool === undefined && r.ownerId !== POOL_OWNER)
      .filter((r) => userId === undefined || r.ownerId === userId)
      .map((r) => this.summary(r))
  }

  async extend(id: string): Promise<ActionOutcome> {
    const record = this.records.get(id)
    if (!record) return notFound(id)
    const lab = this.lab(record.labSlug)
    const limits = lab?.definition.limits
    if (!limits || record.extensions >= limits.maxExtensions) {
      return {
        ok: false,
        code: 'extension-limit',
        message: `this sandbox has used all ${limits?.maxExtensions ?? 0} extensions`,
      }
    }
    const expiresAt = Math.max(record.expiresAt, this.now()) + limits.extensionMinutes * MINUTE
    try {
      // Labels cannot change, so each extension is an empty labelled volume; adoption takes the latest.
      await this.engine.control.createVolume({
        Name: volumeName(id, `extension-${record.extensions + 1}`),
        Labels: {
          ...this.baseLabels(record),
          [LABEL.kind]: EXTENSION_KIND,
          [LABEL.expiresAt]: new Date(expiresAt).toISOString(),
        },
      })
    } catch (error) {
      return {
        ok: false,
        code: 'engine-unavailable',
        message: `could not record the extension: ${engineMessage(error)}`,
      }
    }
    record.extensions += 1
    record.expiresAt = expiresAt
    record.lastActivityAt = this.now()
    return { ok: true, sandbox: this.summary(record) }
  }

  /** Recreates every container and volume from the topology; id, secrets and expiry stay. */
  async reset(id: string): Promise<ActionOutcome> {
    const record = this.records.get(id)
    if (!record) return notFound(id)
    if (record.state !== 'ready') {
      return {
        ok: false,
        code: 'not-ready',
        message: `the sandbox is ${record.state}; only a ready sandbox can be reset (a failed one is recreated by starting the lab again)`,
      }
    }
    const lab = this.lab(record.labSlug)
    if (!lab) return { ok: false, code: 'not-found', message: `lab "${record.labSlug}" is no longer loaded` }
    if (!(await this.engineReachable())) return engineUnavailable()
    const isolation = await this.isolationProblem()
    if (isolation) return { ok: false, code: 'isolation-unavailable', message: isolation }
    record.state = 'provisioning'
    record.error = undefined
    record.errorCode = undefined
    record.disk = undefined
    record.lastActivityAt = this.now()
    record.settled = this.runProvisioning(record, lab, { networkExists: true })
    return { ok: true, sandbox: this.summary(record) }
  }

  async delete(id: string): Promise<ActionOutcome> {
    const record = this.records.get(id)
    if (!record) return notFound(id)
    // Let a running provisioning finish first, or it would create containers after the removal.
    await record.settled
    const summary = this.summary(record)
    await this.remove(record, { runCleanup: true })
    return { ok: true, sandbox: summary }
  }

  // ---- background work -----------------------------------------------------------------

  /** Re-adopts live sandboxes from a previous runner, removes expired and orphaned resources, starts the reaper. */
  async start(): Promise<{ adopted: string[]; removed: string[]; interrupted: string[] }> {
    let result: Awaited<ReturnType<SandboxRegistry['adopt']>>
    try {
      result = await this.adopt()
    } catch (error) {
      this.adoptionPending = true
      throw error
    }
    this.adoptionPending = false
    this.machines = await this.engine.machines()
    await this.isolationProblem()
    const interval = this.options.reapIntervalMs ?? 15_000
    this.reaper = setInterval(() => {
      this.reap().catch((error: unknown) =>
        this.options.log.error('reaper failed', { error: engineMessage(error) }),
      )
    }, interval)
    this.reaper.unref()
    this.machineWatch = setInterval(() => {
      this.watchMachines().catch((error: unknown) =>
        this.options.log.error('machine watch failed', { error: engineMessage(error) }),
      )
    }, this.options.machineWatchIntervalMs ?? 5_000)
    this.machineWatch.unref()
    if (this.options.diskBudgetBytes !== undefined) {
      this.diskWatchdog = setInterval(() => {
        this.checkDisk().catch((error: unknown) =>
          this.options.log.error('disk watchdog failed', { error: engineMessage(error) }),
        )
      }, this.options.diskCheckIntervalMs ?? 20_000)
      this.diskWatchdog.unref()
    }
    return result
  }

  /** Stops background work. Sandboxes stay up, to be re-adopted by the next runner. */
  async stop(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper)
    this.reaper = undefined
    if (this.machineWatch) clearInterval(this.machineWatch)
    this.machineWatch = undefined
    if (this.diskWatchdog) clearInterval(this.diskWatchdog)
    this.diskWatchdog = undefined
    await Promise.allSettled([...this.records.values()].map((r) => r.settled))
  }

  /** Deletes sandboxes past their time limit or idle timeout. Returns the ids removed. */
  async reap(): Promise<string[]> {
    const now = this.now()
    const expired = [...this.records.values()].filter(
      // Warm sandboxes have no learner clock; the pool manager recycles them by age.
      (r) => r.state !== 'provisioning' && r.pool === undefined && this.effectiveExpiry(r) <= now,
    )
    for (const record of expired) {
      this.options.log.info('sandbox expired', { sandboxId: record.id, labSlug: record.labSlug })
      await this.remove(record, { runCleanup: true })
    }
    this.pumpQueue()
    return expired.map((r) => r.id)
  }

  /**
   * Follows the engine's machines: counts those that take sandboxes (capacity follows the
   * cluster); re-reads where every service of a ready sandbox runs (a Swarm restart is a new
   * container, possibly elsewhere); and ends ready sandboxes whose machine the engine lost or an
   * operator drained: the learner is told (their progress lives in the web app and is kept), and
   * what is left of the sandbox is removed. Returns the ids of the sandboxes lost.
   */
  async watchMachines(): Promise<string[]> {
    this.machines = await this.engine.machines()
    const ready = [...this.records.values()].filter((r) => r.state === 'ready')
    const starting = [...this.records.values()].filter((r) => r.starting !== undefined)
    if (ready.length === 0 && starting.length === 0) return []
    for (const c of await this.engine.listContainers(this.ownedFilter().label)) {
      const record = this.records.get(c.sandboxId)
      if (record?.state === 'ready' && record.hosts[c.host]?.containerId !== c.address.containerId)
        record.hosts[c.host] = c.address
    }
    const lost = await this.engine.lostSandboxes([...ready, ...starting].map((r) => r.id))
    for (const { sandboxId, reason } of lost) {
      const record = this.records.get(sandboxId)
      // Still starting: the engine stops, and failProvisioning tells the learner and cleans up.
      if (record?.starting) record.starting.abort(new MachineLostError(reason))
      if (!record || record.state !== 'ready') continue
      this.options.log.warn('sandbox lost with its machine', { sandboxId, labSlug: record.labSlug, reason })
      record.state = 'failed'
      record.errorCode = 'machine-lost'
      record.error = new MachineLostError(reason).message
      record.hosts = {}
      if (record.pool !== undefined) this.records.delete(sandboxId)
      await this.engine.removeResources(sandboxId).catch((error: unknown) =>
        this.options.log.warn('could not remove all of a lost sandbox', {
          sandboxId,
          error: engineMessage(error),
        }),
      )
    }
    if (lost.length > 0) this.pumpQueue()
    return lost.map((l) => l.sandboxId)
  }

  /**
   * Measures every ready sandbox against the disk budget: from 80 % its status carries a
   * warning; at 100 % the running service that wrote the most is stopped, one per check, so
   * the sandbox stops growing while the learner's other hosts (and every other sandbox) go on.
   */
  async checkDisk(): Promise<void> {
    const budget = this.options.diskBudgetBytes
    if (budget === undefined) return
    const usage = await this.engine.diskUsage(this.ownedFilter().label)
    for (const record of this.records.values()) {
      const measured = usage.get(record.id)
      if (record.state !== 'ready' || !measured) continue
      const disk = (record.disk ??= { stoppedHosts: [] })
      if (measured.usedBytes >= budget) {
        const worst = measured.byHost.filter((h) => h.running).sort((a, b) => b.bytes - a.bytes)[0]
        if (worst) {
          this.options.log.warn('sandbox over its disk budget; stopping the service that wrote the most', {
            sandboxId: record.id,
            host: worst.host,
            usedBytes: measured.usedBytes,
            budgetBytes: budget,
          })
          await this.engine.containers
            .getContainer(worst.containerId)
            .stop({ t: 2 })
            .catch((error: unknown) => {
              if ((error as { statusCode?: number }).statusCode !== 304) throw error
            })
          if (!disk.stoppedHosts.includes(worst.host)) disk.stoppedHosts.push(worst.host)
        }
      }
      disk.status = diskStatus(measured.usedBytes, budget, [...disk.stoppedHosts], new Date(this.now()))
    }
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Why sandboxes may not start (the host firewall is not in place), or undefined. Tried again
   * on every start until it works, so fixing the host does not need a runner restart.
   */
  private async isolationProblem(): Promise<string | undefined> {
    if (!this.firewall?.ok) {
      this.firewall = await (this.options.ensureFirewall ?? this.engine.ensureIsolation)()
      if (this.firewall.ok) this.options.log.info('host firewall in place', { added: this.firewall.added })
      else if (this.options.allowNoFirewall)
        this.options.log.warn(
          'host firewall not in place; starting sandboxes anyway (RUNNER_UNSAFE_NO_FIREWALL)',
          { problem: this.firewall.message },
        )
      else
        this.options.log.error('host firewall not in place; refusing to start sandboxes', {
          problem: this.firewall.message,
        })
    }
    return this.firewall.ok || this.options.allowNoFirewall ? undefined : this.firewall.message
  }

  private provision(lab: LoadedLab, request: CreateRequest, pool?: string): SandboxRecord {
    const id = `sbx-${randomBytes(6).toString('hex')}`
    const now = this.now()
    const secrets = declaredSecretNames(readFileSync(lab.topologyFile, 'utf8'))
    const seed = request.seed ?? newSeed(lab.definition.variantSeed)
    const record: SandboxRecord = {
      id,
      ownerId: request.userId,
      labSlug: lab.definition.slug,
      state: 'provisioning',
      createdAt: now,
      expiresAt: now + lab.definition.limits.timeLimitMinutes * MINUTE,
      lastActivityAt: now,
      extensions: 0,
      variables: generateVariables({ sandboxId: id, seed, secretNames: secrets }),
      hosts: {},
      settled: Promise.resolve(),
      ...(pool ? { pool } : {}),
    }
    this.records.set(id, record)
    record.settled = this.runProvisioning(record, lab, { networkExists: false })
    return record
  }

  private async runProvisioning(
    record: SandboxRecord,
    lab: LoadedLab,
    options: { networkExists: boolean },
  ): Promise<void> {
    const log = { sandboxId: record.id, labSlug: record.labSlug }
    record.provisioning = { phase: 'waiting-for-slot', startedAt: this.now() }
    const release = await this.provisioningSlots.acquire()
    // The deadline and the timing start once this sandbox really starts.
    const started = this.now()
    record.provisioning = { phase: 'starting-services', startedAt: started }
    try {
      const topology = parseTopologyFile(lab.topologyFile, {
        bindRoot: this.options.labsDir,
        variables: record.variables,
        justifiedCapabilities: lab.definition.capabilities.map((c) => c.name),
      })
      if (!topology.ok)
        throw new ProvisionError(
          `topology is invalid: ${topology.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        )
      const labels = this.baseLabels(record)
      if (options.networkExists) {
        await this.engine.removeServices(record.id, (l) => l[LABEL.kind] === EXTENSION_KIND)
      } else {
        await this.engine.createNetwork(record.id, {
          ...labels,
          [LABEL.variables]: encodeVariables(record.variables),
          [LABEL.seed]: record.variables['ACADEMY_SEED'] ?? '',
        })
      }
      record.hosts = await this.whileStarting(record, (signal) =>
        this.engine.startServices({
          sandboxId: record.id,
          topology: topology.topology,
          labels,
          deadline: started + (this.options.provisionTimeoutMs ?? 180_000),
          signal,
        }),
      )
      if (record.pool === undefined) await this.finishProvisioning(record, lab, labels)
      else record.state = 'ready'
      record.provisioning = undefined
      const seconds = (this.now() - started) / 1000
      this.provisionAverageS = this.provisionAverageS * 0.7 + seconds * 0.3
      const labAverage = this.labProvisionAverageS.get(record.labSlug)
      this.labProvisionAverageS.set(
        record.labSlug,
        labAverage === undefined ? seconds : labAverage * 0.7 + seconds * 0.3,
      )
      this.options.onProvisioned?.(seconds)
      this.options.log.info('sandbox ready', { ...log, seconds })
      for (const listener of this.readyListeners) listener(toRef(record), lab.definition.shellHosts)
    } catch (error) {
      await this.failProvisioning(record, error, log)
    } finally {
      release()
    }
  }

  /** Runs an engine start the machine watch can cut short (see watchMachines). */
  private async whileStarting<T>(
    record: SandboxRecord,
    start: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    record.starting = new AbortController()
    try {
      return await start(record.starting.signal)
    } finally {
      record.starting = undefined
    }
  }

  /** Setup hook, then the provisioned marker (labelled with the owner, seed and clocks). */
  private async finishProvisioning(
    record: SandboxRecord,
    lab: LoadedLab,
    labels: Record<string, string>,
  ): Promise<void> {
    if (lab.definition.hooks.setup && this.options.runHook) {
      record.provisioning = {
        phase: 'running-setup',
        startedAt: record.provisioning?.startedAt ?? this.now(),
      }
      const setup = await this.options.runHook({ sandbox: toRef(record), lab, hook: 'setup' })
      if (!setup.ok) throw new ProvisionError(`setup hook failed: ${setup.message}`)
    }
    // Written last: a runner stopped before this point leaves a sandbox that is not re-adopted.
    await this.engine.control.createVolume({
      Name: volumeName(record.id, PROVISIONED_KIND),
      Labels: {
        ...labels,
        [LABEL.kind]: PROVISIONED_KIND,
        [LABEL.seed]: record.variables['ACADEMY_SEED'] ?? '',
      },
    })
    record.state = 'ready'
    record.provisioning = undefined
  }

  private async failProvisioning(
    record: SandboxRecord,
    error: unknown,
    log: Record<string, unknown>,
  ): Promise<void> {
    record.state = 'failed'
    record.errorCode = error instanceof MachineLostError ? 'machine-lost' : 'provisioning-failed'
    record.provisioning = undefined
    record.error = error instanceof ProvisionError ? error.message : `engine error: ${engineMessage(error)}`
    this.options.log.error('sandbox provisioning failed', { ...log, error: record.error })
    // Keep the record (so status shows why) but free the engine resources and the slot.
    await this.engine.removeResources(record.id).catch((e: unknown) =>
      this.options.log.error('cleanup after failed provisioning failed', {
        ...log,
        error: engineMessage(e),
      }),
    )
    record.hosts = {}
    // A failed warm sandbox is simply gone: the pool starts another.
    if (record.pool !== undefined) this.records.delete(record.id)
    this.pumpQueue()
  }

  private async remove(record: SandboxRecord, options: { runCleanup?: boolean } = {}): Promise<void> {
    this.records.delete(record.id)
    const lab = this.lab(record.labSlug)
    if (
      options.runCleanup &&
      record.state === 'ready' &&
      lab?.definition.hooks.cleanup &&
      this.options.runHook
    ) {
      await this.options
        .runHook({ sandbox: toRef(record), lab, hook: 'cleanup' })
        .catch((e: unknown) =>
          this.options.log.warn('cleanup hook failed', { sandboxId: record.id, error: engineMessage(e) }),
        )
    }
    await this.engine.removeResources(record.id)
    this.options.log.info('sandbox removed', { sandboxId: record.id, labSlug: record.labSlug })
    this.pumpQueue()
  }

  private pumpQueue(): void {
    for (;;) {
      if (this.liveCount() >= this.maxLive()) {
        if (this.queue.length === 0 || !this.pooled().length) return
        this.evictPooled()
        continue
      }
      const next = this.queue.shift()
      if (!next) return
      const lab = this.lab(next.labSlug)
      if (lab) this.provision(lab, next)
    }
  }

  /** Machines the engine can start a sandbox on now (as last asked; see watchMachines). */
  machineCount(): number {
    return this.machines
  }

  /** RUNNER_MAX_SANDBOXES on each machine the engine can start a sandbox on now. */
  private maxLive(): number {
    return this.options.maxSandboxes * this.machines
  }

  private liveCount(): number {
    return [...this.records.values()].filter((r) => r.state !== 'failed').length
  }

  /** Slot k frees when the k-th earliest live sandbox expires; then it takes a provisioning time. */
  private estimatedWaitS(position: number): number {
    const now = this.now()
    const frees = [...this.records.values()]
      .filter((r) => r.state !== 'failed')
      .map((r) => Math.max(0, this.effectiveExpiry(r) - now))
      .sort((a, b) => a - b)
    const slotFreesInMs = frees[Math.min(position, frees.length) - 1] ?? 0
    return Math.round(slotFreesInMs / 1000 + this.provisionAverageS)
  }

  private effectiveExpiry(record: SandboxRecord): number {
    return Math.min(record.expiresAt, this.idleExpiry(record))
  }

  private idleExpiry(record: SandboxRecord): number {
    const idleMinutes = this.lab(record.labSlug)?.definition.limits.idleTimeoutMinutes ?? 0
    return record.lastActivityAt + idleMinutes * MINUTE
  }

  private baseLabels(record: SandboxRecord): Record<string, string> {
    return {
      ...this.options.extraLabels,
      [LABEL.managed]: '1',
      [LABEL.runner]: this.options.instance,
      [LABEL.sandbox]: record.id,
      [LABEL.owner]: record.ownerId,
      [LABEL.lab]: record.labSlug,
      [LABEL.createdAt]: new Date(record.createdAt).toISOString(),
      [LABEL.expiresAt]: new Date(record.expiresAt).toISOString(),
    }
  }

  private summary(record: SandboxRecord): SandboxSummary {
    const limits = this.lab(record.labSlug)?.definition.limits
    const idleMinutes = limits?.idleTimeoutMinutes ?? 0
    return {
      id: record.id,
      ownerId: record.ownerId,
      labSlug: record.labSlug,
      state: record.state,
      createdAt: new Date(record.createdAt).toISOString(),
      expiresAt: new Date(record.expiresAt).toISOString(),
      idleExpiresAt: new Date(record.lastActivityAt + idleMinutes * MINUTE).toISOString(),
      extensionsUsed: record.extensions,
      extensionsLeft: Math.max(0, (limits?.maxExtensions ?? 0) - record.extensions),
      ...(record.error ? { error: record.error } : {}),
      ...(record.errorCode ? { errorCode: record.errorCode } : {}),
    }
  }

  private async engineReachable(): Promise<boolean> {
    try {
      await this.engine.control.ping()
      return true
    } catch {
      return false
    }
  }

  private ownedFilter(extra: string[] = []): { label: string[] } {
    return { label: [`${LABEL.managed}=1`, `${LABEL.runner}=${this.options.instance}`, ...extra] }
  }

  private async adopt(): Promise<{ adopted: string[]; removed: string[]; interrupted: string[] }> {
    const { log } = this.options
    const adopted: string[] = []
    const interrupted: string[] = []
    const removed = new Set<string>()
    const networks = await this.engine.listNetworks(this.ownedFilter().label)
    const containers = await this.engine.listContainers(this.ownedFilter().label)
    const { Volumes: volumes } = await this.engine.control.listVolumes({ filters: this.ownedFilter() })

    for (const network of networks) {
      const labels = network.labels
      const id = labels[LABEL.sandbox]
      if (!id || this.records.has(id)) continue
      const record = this.recordFromLabels(id, labels, volumes ?? [])
      const lab = record && this.lab(record.labSlug)
      const mine = containers.filter((c) => c.sandboxId === id)
      const complete = lab !== undefined && lab.services.every((s) => mine.some((c) => c.host === s))
      const provisioned = (volumes ?? []).some(
        (v) => v.Labels?.[LABEL.sandbox] === id && v.Labels[LABEL.kind] === PROVISIONED_KIND,
      )
      if (!record || !complete || !provisioned || this.effectiveExpiry(record) <= this.now()) {
        const reason = !record
          ? 'unreadable labels'
          : !lab
            ? 'lab not loaded'
            : !complete || !provisioned
              ? 'interrupted while provisioning'
              : 'expired'
        log.info('removing sandbox left by a previous runner', { sandboxId: id, reason })
        await this.engine.removeResources(id)
        removed.add(id)
        if (
          record &&
          record.ownerId !== POOL_OWNER &&
          (!complete || !provisioned) &&
          this.effectiveExpiry(record) > this.now()
        ) {
          // Kept (without resources) so the learner's next status call says what happened.
          this.records.set(id, {
            ...record,
            state: 'failed',
            errorCode: 'interrupted',
            error:
              'your lab was interrupted while it was starting (the lab runner restarted); start it again: nothing of yours was lost',
          })
          interrupted.push(id)
        }
        continue
      }
      for (const c of mine) record.hosts[c.host] = c.address
      this.records.set(id, record)
      adopted.push(id)
      log.info('re-adopted sandbox', { sandboxId: id, labSlug: record.labSlug })
    }
    // Containers and volumes whose sandbox has no network: half-created or half-deleted.
    const orphanIds = new Set<string>()
    for (const item of [...containers.map((c) => c.labels), ...(volumes ?? []).map((v) => v.Labels ?? {})]) {
      const id = item[LABEL.sandbox]
      if (id && !this.records.has(id) && !removed.has(id)) orphanIds.add(id)
    }
    for (const id of orphanIds) {
      log.info('removing orphaned sandbox resources', { sandboxId: id })
      await this.engine.removeResources(id)
      removed.add(id)
    }
    return { adopted, removed: [...removed], interrupted }
  }

  private recordFromLabels(
    id: string,
    labels: Record<string, string>,
    volumes: Docker.VolumeInspectInfo[],
  ): SandboxRecord | undefined {
    // A claimed warm sandbox: its provisioned marker carries the learner, seed and clocks.
    const marker = volumes.find(
      (v) => v.Labels?.[LABEL.sandbox] === id && v.Labels[LABEL.kind] === PROVISIONED_KIND,
    )?.Labels
    const claim = labels[LABEL.owner] === POOL_OWNER && marker ? marker : labels
    const ownerId = claim[LABEL.owner]
    const labSlug = labels[LABEL.lab]
    const expiresAt = Date.parse(claim[LABEL.expiresAt] ?? '')
    const createdAt = Date.parse(claim[LABEL.createdAt] ?? '')
    const decoded = decodeVariables(labels[LABEL.variables])
    const variables =
      decoded && claim !== labels ? { ...decoded, ACADEMY_SEED: claim[LABEL.seed] ?? '' } : decoded
    if (!ownerId || !labSlug || Number.isNaN(expiresAt) || Number.isNaN(createdAt) || !variables)
      return undefined
    const extensions = volumes.filter(
      (v) => v.Labels?.[LABEL.sandbox] === id && v.Labels[LABEL.kind] === EXTENSION_KIND,
    )
    const extendedTo = Math.max(
      expiresAt,
      ...extensions.map((v) => Date.parse(v.Labels?.[LABEL.expiresAt] ?? '') || 0),
    )
    return {
      id,
      ownerId,
      labSlug,
      state: 'ready',
      createdAt,
      expiresAt: extendedTo,
      // Activity is not recorded on the engine; a restart grants a fresh idle period.
      lastActivityAt: this.now(),
      extensions: extensions.length,
      variables,
      hosts: {},
      settled: Promise.resolve(),
    }
  }
}

export interface CreateRequest {
  userId: string
  labSlug: string
  seed?: string
  /** A scheduled lab session the learner belongs to: its warm pool is tried first. */
  poolSession?: string
}

function sessionKey(request: CreateRequest): string | undefined {
  return request.poolSession ? `session:${request.poolSession}` : undefined
}

function toRef(record: SandboxRecord): SandboxRef {
  return {
    id: record.id,
    ownerId: record.ownerId,
    labSlug: record.labSlug,
    expiresAt: new Date(record.expiresAt),
    hosts: { ...record.hosts },
  }
}

function notFound(id: string): ActionOutcome {
  return { ok: false, code: 'not-found', message: `no sandbox "${id}" (it may have expired)` }
}

function engineUnavailable(): { status: 'error'; code: 'engine-unavailable'; message: string } & {
  ok: false
} {
  return {
    ok: false,
    status: 'error',
    code: 'engine-unavailable',
    message:
      'the Docker engine is not reachable; check that dockerd is running and DOCKER_SOCKET points at it',
  }
}
