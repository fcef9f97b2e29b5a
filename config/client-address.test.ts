import { describe, expect, it } from 'vitest'
import { proxyEntryProblem, resolveClientAddress, trustedProxyList } from './client-address'

const resolve = (socketAddress: string, forwardedFor: string | undefined, trusted: string[] = []) =>
  resolveClientAddress({ socketAddress, forwardedFor, trustedProxies: trustedProxyList(trusted) })

describe('resolveClientAddress', () => {
  it('uses the socket address and ignores X-Forwarded-For from an untrusted client', () => {
    expect(resolve('198.51.100.9', '203.0.113.1')).toBe('198.51.100.9')
    expect(resolve('::ffff:198.51.100.9', '203.0.113.1', ['10.0.0.0/8'])).toBe('198.51.100.9')
  })

  it('reads the address a trusted proxy appended, not what the client wrote before it', () => {
    expect(resolve('10.0.0.2', '203.0.113.1', ['10.0.0.2'])).toBe('203.0.113.1')
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    expect(resolve('10.0.0.2', '1.2.3.4, 203.0.113.1', ['10.0.0.0/24'])).toBe('203.0.113.1')
  })

  it('skips every trusted hop of a proxy chain', () => {
    expect(resolve('10.0.0.2', '203.0.113.1, 10.0.0.7', ['10.0.0.0/24'])).toBe('203.0.113.1')
    expect(resolve('fd00::2', '2001:db8::5, fd00::3', ['fd00::/16'])).toBe('2001:db8::5')
  })

  it('falls back to the last trusted hop when the chain is missing or garbage', () => {
    expect(resolve('10.0.0.2', undefined, ['10.0.0.2'])).toBe('10.0.0.2')
    expect(resolve('10.0.0.2', 'not-an-ip', ['10.0.0.2'])).toBe('10.0.0.2')
  })
})

describe('proxyEntryProblem', () => {
  it.each(['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'])('accepts %s', (entry) => {
    expect(proxyEntryProblem(entry)).toBeNull()
  })
  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.0/x', '10.0.0.0/8/1', 'fd00::/129'])(
    'refuses %s',
    (entry) => {
      expect(proxyEntryProblem(entry)).toMatch(/not an IP|prefix length/)
    },
  )
})
