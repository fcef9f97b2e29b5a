import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { themeBootScript } from '@/contracts/theme-boot-script'
import { securityHeaders } from './security-headers'

const base = {
  nonce: 'bm9uY2U=',
  connectOrigins: ['ws://127.0.0.1:4100'],
  formActionOrigins: ['http://127.0.0.1:4100'],
  dev: false,
}

describe('securityHeaders', () => {
  it('allows only nonce-carrying scripts and the theme boot script by hash, and no framing', () => {
    const csp = securityHeaders({ ...base, publicUrl: 'http://127.0.0.1:3000' })['Content-Security-Policy']
    const hash = createHash('sha256').update(themeBootScript).digest('base64')
    expect(csp).toContain(`script-src 'self' 'nonce-bm9uY2U=' 'sha256-${hash}' 'strict-dynamic';`)
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4100")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("form-action 'self' http://127.0.0.1:4100")
  })

  it('sends HSTS and upgrades requests only for an https site', () => {
    const plain = securityHeaders({ ...base, publicUrl: 'http://127.0.0.1:3000' })
    expect(plain['Strict-Transport-Security']).toBeUndefined()
    expect(plain['Content-Security-Policy']).not.toContain('upgrade-insecure-requests')
    const secure = securityHeaders({ ...base, publicUrl: 'https://academy.example.com' })
    expect(secure['Strict-Transport-Security']).toBe('max-age=63072000')
    expect(secure['Content-Security-Policy']).toContain('upgrade-insecure-requests')
  })

  it('keeps referrers and powerful features to the site', () => {
    const headers = securityHeaders({ ...base, publicUrl: 'http://127.0.0.1:3000' })
    expect(headers['Referrer-Policy']).toBe('strict-origin-when-cross-origin')
    expect(headers['Permissions-Policy']).toContain('camera=()')
    expect(headers['X-Frame-Options']).toBe('DENY')
  })
})
