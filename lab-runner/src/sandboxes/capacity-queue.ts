// FIFO queue of sandbox requests waiting for capacity. A request is identified by
// (user, lab); asking again keeps its place and proves the learner is still waiting.

export interface QueuedRequest {
  userId: string
  labSlug: string
  seed?: string
}

interface Entry extends QueuedRequest {
  lastPolledAt: number
}

export class CapacityQueue {
  private entries: Entry[] = []

  constructor(private readonly options: { staleMs: number; now: () => number }) {}

  get length(): number {
    this.dropStale()
    return this.entries.length
  }

  find(userId: string, labSlug: string): QueuedRequest | undefined {
    return this.entries.find((e) => e.userId === userId && e.labSlug === labSlug)
  }

  /** Adds the request (or refreshes it) and returns its 1-based position. */
  enqueue(request: QueuedRequest): number {
    this.dropStale()
    const now = this.options.now()
    const index = this.entries.findIndex((e) => e.userId === request.userId && e.labSlug === request.labSlug)
    if (index >= 0) {
      ;(this.entries[index] as Entry).lastPolledAt = now
      return index + 1
    }
    this.entries.push({ ...request, lastPolledAt: now })
    return this.entries.length
  }

  shift(): QueuedRequest | undefined {
    this.dropStale()
    const next = this.entries.shift()
    if (!next) return undefined
    const { lastPolledAt: _ignored, ...request } = next
    return request
  }

  private dropStale(): void {
    const cutoff = this.options.now() - this.options.staleMs
    this.entries = this.entries.filter((e) => e.lastPolledAt >= cutoff)
  }
}
