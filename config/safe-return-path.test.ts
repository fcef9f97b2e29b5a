import { describe, expect, it } from 'vitest'
import { safeReturnPath } from './safe-return-path'

const site = 'https://academy.example.com'

describe('safeReturnPath', () => {
  it('keeps local paths with their query and fragment', () => {
    expect(safeReturnPath('/instructor?cohort=a', site)).toBe('/instructor?cohort=a')
    expect(safeReturnPath('/courses/ops/intro#setup', site)).toBe('/courses/ops/intro#setup')
  })

  it('keeps an encoded character as an encoded path, which browsers do not decode into a host', () => {
    expect(safeReturnPath('/%09/evil.example', site)).toBe('/%09/evil.example')
  })

  it.each([
    'https://evil.example/',
    'https:evil.example',
    'https:/evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '\t//evil.example',
    '/.//evil.example',
    '/%2e//evil.example',
    'javascript:alert(1)',
    'evil.example',
    '',
    null,
    undefined,
  ])('refuses %j', (value) => {
    expect(safeReturnPath(value, site)).toBe('/dashboard')
  })

  it('uses the given fallback', () => {
    expect(safeReturnPath('//evil.example', site, '/labs')).toBe('/labs')
  })
})
