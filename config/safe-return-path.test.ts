import { describe, expect, it } from 'vitest'
import { safeReturnPath } from './safe-return-path'

describe('safeReturnPath', () => {
  it('keeps local paths with their query', () => {
    expect(safeReturnPath('/instructor?cohort=a')).toBe('/instructor?cohort=a')
  })
  it.each([
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
    null,
    undefined,
  ])('refuses %s', (value) => {
    expect(safeReturnPath(value)).toBe('/dashboard')
  })
})
