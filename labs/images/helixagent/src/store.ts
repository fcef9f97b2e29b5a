/**
 * The persistence edge of the service. PostgreSQL and Redis implement these in production;
 * tests substitute in-memory versions so the HTTP layer runs in-process.
 */
export type DebateStatus = 'pending' | 'running' | 'completed' | 'failed'
export type TaskStatus = 'pending' | 'running' | 'completed' | 'failed'

export interface DebateRecord {
  id: string
  topic: string
  status: DebateStatus
  rounds: number
  participants: string[]
  result: unknown
  confidence: number | null
  error: string | null
  created_at: string
  updated_at: string
}

export interface TaskRecord {
  id: string
  type: string
  status: TaskStatus
  input: unknown
  result: unknown
  error: string | null
  created_at: string
  updated_at: string
}

export type DebatePatch = Partial<
  Pick<DebateRecord, 'status' | 'result' | 'confidence' | 'error' | 'participants'>
>
export type TaskPatch = Partial<Pick<TaskRecord, 'status' | 'result' | 'error'>>

export interface DependencyStatus {
  status: 'up' | 'down' | 'not_configured'
  latency_ms?: number
  error?: string
  [detail: string]: unknown
}

export interface Store {
  insertDebate(debate: DebateRecord): Promise<void>
  updateDebate(id: string, patch: DebatePatch): Promise<void>
  getDebate(id: string): Promise<DebateRecord | null>
  listDebates(limit: number): Promise<DebateRecord[]>
  deleteDebate(id: string): Promise<boolean>
  insertTask(task: TaskRecord): Promise<void>
  updateTask(id: string, patch: TaskPatch): Promise<void>
  getTask(id: string): Promise<TaskRecord | null>
  checkPrimary(): Promise<DependencyStatus>
  checkReplica(): Promise<DependencyStatus>
  close(): Promise<void>
}

/** Thrown by a Store when the primary database cannot serve the query; mapped to HTTP 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreUnavailableError'
  }
}

export interface Cache {
  readonly mode: 'cluster' | 'standalone' | 'none'
  check(): Promise<DependencyStatus>
  /** Misses and outages both answer null: the cache is an optimisation, never a dependency. */
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  del(key: string): Promise<void>
  close(): Promise<void>
}
