// Stored check output stays within its bound and keeps both ends.
import { describe, expect, it } from 'vitest'
import { checkLimits } from '@/config/check-limits'
import { boundOutput, parseRequestKey } from './check-guard'

describe('boundOutput', () => {
  it('keeps short output as it is', () => {
    expect(boundOutput('PASS\n')).toBe('PASS\n')
  })

  it('keeps the head and the tail of long output within the limit, and says what was left out', () => {
    const output = `START\n${'x'.repeat(64 * 1024)}\nFAIL: the end\n`
    const kept = boundOutput(output)
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(checkLimits.outputBytes)
    expect(kept.startsWith('START\n')).toBe(true)
    expect(kept.endsWith('FAIL: the end\n')).toBe(true)
    expect(kept).toMatch(/… \d+ bytes of output not kept \(Helix Academy keeps 8 KB per check run\) …/)
  })
})

describe('parseRequestKey', () => {
  it('accepts a UUID and no key, refuses anything else with a clear message', () => {
    expect(parseRequestKey('0b9c7a52-8f3e-4a7c-9d1e-2f6b5c4a3d21')).toBe(
      '0b9c7a52-8f3e-4a7c-9d1e-2f6b5c4a3d21',
    )
    expect(parseRequestKey(undefined)).toBeUndefined()
    expect(() => parseRequestKey('short')).toThrow('"requestKey" must be 8–100 letters')
    expect(() => parseRequestKey({})).toThrow('one new key per Check press')
  })
})
