import { describe, expect, it } from 'vitest'
import { ProvisioningSlots } from './provisioning-slots'

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('ProvisioningSlots', () => {
  it('lets `limit` holders in at once and the rest in arrival order', async () => {
    const slots = new ProvisioningSlots(2)
    const order: string[] = []
    const take = (name: string) => slots.acquire().then((release) => (order.push(name), release))
    const a = take('a')
    const b = take('b')
    const c = take('c')
    const d = take('d')
    await tick()
    expect(order).toEqual(['a', 'b'])
    expect(slots.queued).toBe(2)
    ;(await b)()
    await tick()
    expect(order).toEqual(['a', 'b', 'c'])
    ;(await a)()
    await tick()
    expect(order).toEqual(['a', 'b', 'c', 'd'])
    ;(await c)()
    ;(await d)()
    expect(slots.inUse).toBe(0)
  })

  it('ignores a second release of the same slot', async () => {
    const slots = new ProvisioningSlots(1)
    const release = await slots.acquire()
    release()
    release()
    expect(slots.inUse).toBe(0)
    const again = await slots.acquire()
    expect(slots.inUse).toBe(1)
    again()
  })

  it('refuses a limit below one', () => {
    expect(() => new ProvisioningSlots(0)).toThrow(/positive integer, got 0/)
  })
})
