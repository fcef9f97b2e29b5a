// At most N sandboxes provision at once. Starting a full HA stack is CPU-bound (a dozen
// containers initialising databases and caches); on a small host, five stacks started together
// each take several times longer than one, so nobody gets a terminal soon. With a limit the
// first learners are ready quickly and the others wait (and are told so) for a slot.

export class ProvisioningSlots {
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`the provisioning limit must be a positive integer, got ${max}`)
  }

  /** Resolves when a slot is free; call the returned function exactly once to free it. */
  async acquire(): Promise<() => void> {
    if (this.running < this.max) this.running++
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      // The slot passes straight to the next waiter, so `running` only drops when nobody waits.
      if (next) next()
      else this.running--
    }
  }

  get limit(): number {
    return this.max
  }

  get inUse(): number {
    return this.running
  }

  get queued(): number {
    return this.waiting.length
  }
}
