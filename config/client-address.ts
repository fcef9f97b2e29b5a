// Which address a request came from, for rate limits and session records. Any client can send
// X-Forwarded-For, so it counts only when the connection itself comes from a proxy the operator
// listed in TRUSTED_PROXIES; otherwise the socket's own address is the client.
import { BlockList, isIP } from 'node:net'

/** Set by our own web server (scripts/web-server.ts) on every request, replacing any client value. */
export const CLIENT_ADDRESS_HEADER = 'x-academy-client-address'

/** `203.0.113.7`, `2001:db8::1`, `10.0.0.0/8` or `fd00::/8`; returns a problem or null. */
export function proxyEntryProblem(entry: string): string | null {
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (!family || rest.length) return `"${entry}" is not an IP address or CIDR range`
  if (prefix === undefined) return null
  const bits = Number(prefix)
  const max = family === 4 ? 32 : 128
  if (!/^\d+$/.test(prefix) || bits > max) return `"${entry}" has a prefix length outside 0–${max}`
  return null
}

/** A matcher for TRUSTED_PROXIES entries (already validated by the config schema). */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/')
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(prefix), type)
  }
  return list
}

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped?.[1] ?? address
}

export function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address)
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy. Then the
 * X-Forwarded-For chain is read from the right (each proxy appends the address it saw), trusted
 * hops are skipped, and the first untrusted address is the client. Entries left of it were
 * written by the client and are ignored.
 */
export function resolveClientAddress(options: {
  socketAddress: string | undefined
  forwardedFor: string | string[] | undefined
  trustedProxies: BlockList
}): string | undefined {
  if (!options.socketAddress) return undefined
  let client = plainAddress(options.socketAddress)
  if (!isTrusted(options.trustedProxies, client)) return client
  const header = Array.isArray(options.forwardedFor)
    ? options.forwardedFor.join(',')
    : (options.forwardedFor ?? '')
  const hops = header
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
  for (const hop of hops.reverse()) {
    const address = plainAddress(hop)
    // Garbage in the chain: the last trusted hop is the best we know.
    if (!isIP(address)) return client
    client = address
    if (!isTrusted(options.trustedProxies, address)) return client
  }
  return client
}
