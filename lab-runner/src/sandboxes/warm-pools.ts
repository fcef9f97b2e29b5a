// Warm pools: how many ready sandboxes each lab (and each scheduled lab session) keeps ahead of
// demand, within a memory budget. It only decides; the registry owns the sandboxes and the
// engine calls, so another engine driver under the registry gets pools for free.
import { readFileSync } from 'node:fs'
import type { LabCatalog } from '../../../contracts/load-lab-definitions'
import type { PoolSession, PoolStatus, PoolsStatus, PoolPlan } from '../../../contracts/runner-api'
import { declaredSecretNames, parseTopologyFile } from '../topology/parse-topology'
import { placeholderVariables } from './sandbox-variables'
import type { Logger, PooledSandbox } from './sandbox-registry'

/** What the pool manager needs of the registry. */
export interface PoolHost {
  pooled(): PooledSandbox[]
  canRefill(): boolean
  startPooled(labSlug: string, poolKey: string): Promise<string | undefined>
  releasePooled(id: string): Promise<boolean>
  counts(): { active: number; queued: number }
  /** Machines that take sandboxes now (one engine: 1; a Swarm: its ready, active sandbox nodes). */
  machineCount(): number
}

export interface WarmPoolsOptions {
  registry: PoolHost
  catalog: LabCatalog
  labsDir: string
  /** Pool sizes from the environment (RUNNER_POOL_SIZES); the web app's settings replace them per lab. */
  defaultSizes: Record<string, number>
  /** Per machine, like maxSandboxes: a cluster of N machines holds N times as much. */
  memoryBudgetBytes: number
  maxSandboxes: number
  /** An unclaimed warm sandbox older than this is replaced by a fresh one. */
  maxAgeMs: number
  tickIntervalMs?: number
  log: Logger
  now?: () => number
}

interface Target {
  key: string
  labSlug: string
  size: number
  sessionId?: string
}

export class WarmPools {
  private labSizes: Record<string, number>
  private sessions: PoolSession[] = []
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private readonly memoryBySlug = new Map<string, number>()
  private readonly claims = new Map<string, { warm: number; cold: number }>()
  /** Per lab since start: starts from the pool, cold starts, and the latest claim times. */
  private readonly byLab = new Map<string, { hits: number; misses: number; claimSeconds: number[] }>()
  private readonly now: () => number

  constructor(private readonly options: WarmPoolsOptions) {
    this.labSizes = { ...options.defaultSizes }
    this.now = options.now ?? Date.now
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickIntervalMs ?? 2_000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  /**
   * The web app's whole desired state (lab sizes set by admins, sessions in their window). Both
   * web instances push the same state computed from the database, so pushing twice is harmless.
   */
  configure(state: { labs?: Record<string, number>; sessions?: PoolSession[] }): void {
    if (state.labs) this.labSizes = { ...this.options.defaultSizes, ...state.labs }
    if (state.sessions) this.sessions = state.sessions
    void this.tick()
  }

  /** Counts a start against its session (for the instructor's view); called by the registry. */
  recordStart(event: {
    labSlug: string
    kind: 'warm' | 'cold' | 'existing'
    poolKey?: string
    seconds?: number
  }): void {
    if (event.kind === 'existing') return
    const lab = this.byLab.get(event.labSlug) ?? { hits: 0, misses: 0, claimSeconds: [] }
    if (event.kind === 'warm') lab.hits += 1
    else lab.misses += 1
    if (event.seconds !== undefined) lab.claimSeconds = [...lab.claimSeconds, event.seconds].slice(-200)
    this.byLab.set(event.labSlug, lab)
    if (!event.poolKey?.startsWith('session:')) return
    const entry = this.claims.get(event.poolKey) ?? { warm: 0, cold: 0 }
    entry[event.kind] += 1
    this.claims.set(event.poolKey, entry)
  }

  /** Memory limits of one sandbox of the lab (what a warm one holds against the budget). */
  sandboxMemoryBytes(labSlug: string): number | undefined {
    const cached = this.memoryBySlug.get(labSlug)
    if (cached !== undefined) return cached
    const lab = this.options.catalog.labs.get(labSlug)
    if (!lab) return undefined
    const parsed = parseTopologyFile(lab.topologyFile, {
      bindRoot: this.options.labsDir,
      variables: placeholderVariables(declaredSecretNames(readFileSync(lab.topologyFile, 'utf8'))),
      justifiedCapabilities: lab.definition.capabilities.map((c) => c.name),
    })
    if (!parsed.ok) return undefined
    const bytes = parsed.topology.services.reduce((sum, s) => sum + s.memoryBytes, 0)
    this.memoryBySlug.set(labSlug, bytes)
    return bytes
  }

  /** How many warm sandboxes of a lab the engine could hold for a session now, and why not more. */
  plan(labSlug: string, seats: number): PoolPlan | undefined {
    const memory = this.sandboxMemoryBytes(labSlug)
    if (memory === undefined) return undefined
    const usedBytes = this.effectiveTargets().reduce(
      (sum, t) => sum + t.size * (this.sandboxMemoryBytes(t.labSlug) ?? 0),
      0,
    )
    const budget = this.budgetBytes()
    const byMemory = Math.max(0, Math.floor((budget - usedBytes) / memory))
    const bySlots = this.maxSandboxes()
    const holdable = Math.min(seats, byMemory, bySlots)
    const reasons: string[] = []
    const machines = this.options.registry.machineCount()
    const perMachine = machines === 1 ? '' : ` on ${machines} machines`
    if (byMemory < seats)
      reasons.push(
        `the warm-pool memory budget (${mib(budget)} MiB${perMachine}, ${mib(usedBytes)} MiB held by other pools) fits ${byMemory} sandboxes of ${mib(memory)} MiB`,
      )
    if (bySlots < seats)
      reasons.push(`the runner runs at most ${bySlots} sandboxes at once${perMachine} (RUNNER_MAX_SANDBOXES)`)
    return { labSlug, seats, holdable, sandboxMemoryBytes: memory, reasons }
  }

  status(): PoolsStatus {
    const pooled = this.options.registry.pooled()
    const targets = this.effectiveTargets()
    const keys = new Set([...targets.map((t) => t.key), ...pooled.map((p) => p.poolKey)])
    const pools: PoolStatus[] = [...keys].map((key) => {
      const target = targets.find((t) => t.key === key)
      const mine = pooled.filter((p) => p.poolKey === key)
      const claims = this.claims.get(key) ?? { warm: 0, cold: 0 }
      const wanted = this.wantedSize(key)
      return {
        key,
        labSlug: target?.labSlug ?? mine[0]?.labSlug ?? '',
        ...(key.startsWith('session:') ? { sessionId: key.slice('session:'.length) } : {}),
        wanted,
        target: target?.size ?? 0,
        ready: mine.filter((p) => p.state === 'ready').length,
        starting: mine.filter((p) => p.state === 'provisioning').length,
        claimed: claims.warm,
        coldStarts: claims.cold,
      }
    })
    const usedBytes = pooled.reduce((sum, p) => sum + (this.sandboxMemoryBytes(p.labSlug) ?? 0), 0)
    const labs = [...this.byLab].map(([labSlug, l]) => ({
      labSlug,
      hits: l.hits,
      misses: l.misses,
      claimP50S: quantile(l.claimSeconds, 0.5),
      claimP95S: quantile(l.claimSeconds, 0.95),
    }))
    return { pools, labs, memoryBudgetBytes: this.budgetBytes(), memoryUsedBytes: usedBytes }
  }

  /** One round: release what no target wants (or is too old), then start at most one sandbox. */
  async tick(): Promise<void> {
    if (this.ticking) return this.ticking
    this.ticking = this.tickOnce().finally(() => (this.ticking = undefined))
    return this.ticking
  }

  private async tickOnce(): Promise<void> {
    const { registry, log } = this.options
    const targets = this.effectiveTargets()
    const pooled = registry.pooled()
    const now = this.now()
    const release: PooledSandbox[] = []
    for (const sandbox of pooled) {
      if (sandbox.state === 'ready' && now - sandbox.createdAt >= this.options.maxAgeMs) release.push(sandbox)
    }
    for (const key of new Set(pooled.map((p) => p.poolKey))) {
      const size = targets.find((t) => t.key === key)?.size ?? 0
      const mine = pooled.filter((p) => p.poolKey === key && !release.includes(p))
      // Keep the oldest-started ones (closest to ready); release the surplus youngest.
      release.push(...mine.sort((a, b) => a.createdAt - b.createdAt).slice(size))
    }
    for (const sandbox of release) {
      log.info('releasing warm sandbox', { sandboxId: sandbox.id, pool: sandbox.poolKey })
      await registry
        .releasePooled(sandbox.id)
        .catch((e: unknown) =>
          log.error('releasing a warm sandbox failed', { sandboxId: sandbox.id, error: String(e) }),
        )
    }
    if (!registry.canRefill()) return
    const held = registry.pooled()
    // Sessions first (an instructor booked them), then labs in configuration order.
    const short = targets.find((t) => held.filter((p) => p.poolKey === t.key).length < t.size)
    if (!short) return
    const id = await registry.startPooled(short.labSlug, short.key)
    if (id) log.info('warming a sandbox', { sandboxId: id, pool: short.key })
  }

  /** The requested size of a pool before the budget trims it. */
  private wantedSize(key: string): number {
    if (key.startsWith('session:')) return this.sessions.find((s) => `session:${s.id}` === key)?.seats ?? 0
    return this.labSizes[key.slice('lab:'.length)] ?? 0
  }

  /** The memory budget and the sandbox limit are per machine: capacity follows the engine. */
  private budgetBytes(): number {
    return this.options.memoryBudgetBytes * this.options.registry.machineCount()
  }

  private maxSandboxes(): number {
    return this.options.maxSandboxes * this.options.registry.machineCount()
  }

  /** Requested sizes trimmed to the memory budget and the sandbox limit, sessions served first. */
  private effectiveTargets(): Target[] {
    const requested: Target[] = [
      // A session's learners who already started (warm or cold) need no warm sandbox any more.
      ...this.sessions.map((s) => {
        const started = this.claims.get(`session:${s.id}`) ?? { warm: 0, cold: 0 }
        return {
          key: `session:${s.id}`,
          labSlug: s.labSlug,
          size: s.seats - started.warm - started.cold,
          sessionId: s.id,
        }
      }),
      ...Object.entries(this.labSizes).map(([labSlug, size]) => ({ key: `lab:${labSlug}`, labSlug, size })),
    ]
    let budget = this.budgetBytes()
    let slots = this.maxSandboxes()
    const targets: Target[] = []
    for (const target of requested) {
      const memory = this.sandboxMemoryBytes(target.labSlug)
      if (memory === undefined || target.size <= 0) continue
      const size = Math.max(0, Math.min(target.size, Math.floor(budget / memory), slots))
      budget -= size * memory
      slots -= size
      targets.push({ ...target, size })
    }
    return targets
  }
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null
}

const mib = (bytes: number) => Math.round(bytes / 1024 ** 2)
