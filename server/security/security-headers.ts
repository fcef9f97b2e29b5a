// Response headers for every page and API answer of the web app (applied in proxy.ts).
// Decision record: docs/decisions/016-web-security-headers.md.
import { createHash } from 'node:crypto'
import { themeBootScript } from '@/contracts/theme-boot-script'

const themeBootHash = `'sha256-${createHash('sha256').update(themeBootScript).digest('base64')}'`

export interface SecurityHeaderOptions {
  /** Fresh per request; Next.js puts it on its own scripts when it finds it in the request's CSP. */
  nonce: string
  /** The site's own URL (PUBLIC_URL): https turns on HSTS and upgrade-insecure-requests. */
  publicUrl: string
  /** Origins the page may connect to besides its own: the runner's terminal WebSockets. */
  connectOrigins: readonly string[]
  /** Where the lab page may POST: the service-tab opener of the runner. */
  formActionOrigins: readonly string[]
  /** The dev server needs eval for React's debugging aids. */
  dev: boolean
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  const https = new URL(options.publicUrl).protocol === 'https:'
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts that Next's nonce-carrying scripts load are trusted; 'self' and
    // hosts are then ignored by CSP3 browsers, so an injected <script src> never runs.
    `script-src 'self' 'nonce-${options.nonce}' ${themeBootHash} 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    // Monaco and xterm.js write <style> elements and style attributes at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // Monaco's codicon font is bundled; some builds inline it as a data: URL.
    "font-src 'self' data:",
    // Monaco's language workers (bundled under /_next/static, sometimes wrapped in blob:).
    "worker-src 'self' blob:",
    `connect-src 'self' ${options.connectOrigins.join(' ')}`.trim(),
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${options.formActionOrigins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ]
  return directives.join('; ')
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const https = new URL(options.publicUrl).protocol === 'https:'
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Other origins learn only our origin, never a page's path or query. (Not `same-origin`:
    // it also blanks the Origin header of the service-tab POST, which the runner checks.)
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Only when the site is served over https: HSTS on an http site would lock learners out.
    ...(https ? { 'Strict-Transport-Security': 'max-age=63072000' } : {}),
  }
}
