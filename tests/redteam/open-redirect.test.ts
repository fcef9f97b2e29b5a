// Red team, issue 12 gap 2: a crafted sign-in link must not send a learner to another site.
// Each attack is the raw query string an attacker would put in a link; it is decoded the way
// Next.js hands `searchParams` to the sign-in page, passed through safeReturnPath, and the result
// is followed the way a browser follows a Location header.
import { describe, expect, it } from 'vitest'
import { safeReturnPath } from '@/config/safe-return-path'

const SITE = 'https://academy.example.com'

/** Where a browser ends up after the sign-in page redirects to `?next=<raw>`. */
function landing(rawQueryValue: string): URL {
  const next = new URLSearchParams(`next=${rawQueryValue}`).get('next')
  return new URL(safeReturnPath(next, SITE), SITE)
}

describe('open redirect after sign-in', () => {
  it.each([
    '/%09/evil.example',
    '%2F%09%2Fevil.example',
    '/%0A/evil.example',
    '/%0D/evil.example',
    '//evil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '%2F%5C%2Fevil.example',
    '/\\evil.example',
    'https:evil.example',
    'https%3Aevil.example',
    'https://evil.example',
    '/.//evil.example',
    '/%2e//evil.example',
    '%09//evil.example',
    'javascript:alert(1)',
    '/%252F/evil.example',
  ])('next=%s stays on the site', (raw) => {
    expect(landing(raw).origin).toBe(SITE)
  })

  it('still returns a learner to the page they came from', () => {
    expect(landing(encodeURIComponent('/labs/ha-setup?tab=terminal#step-2')).href).toBe(
      `${SITE}/labs/ha-setup?tab=terminal#step-2`,
    )
    expect(landing('/join/ABCD-1234').href).toBe(`${SITE}/join/ABCD-1234`)
  })
})
