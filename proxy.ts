// Next.js proxy (formerly middleware): security headers and a fresh CSP nonce on every request.
import { NextResponse, type NextRequest } from 'next/server'
import { webConfig } from '@/server/config'
import { serviceTabSource } from '@/server/labs/runner'
import { securityHeaders } from '@/server/security/security-headers'

export function proxy(request: NextRequest) {
  const config = webConfig()
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64')
  const runner = new URL(config.RUNNER_PUBLIC_URL)
  const headers = securityHeaders({
    nonce,
    publicUrl: config.PUBLIC_URL,
    connectOrigins: [runner.origin],
    formActionOrigins: [serviceTabSource()],
    dev: config.NODE_ENV === 'development',
  })
  const csp = headers['Content-Security-Policy']!
  // Next.js reads the nonce from the request's CSP and puts it on every script it renders.
  const requestHeaders = new Headers(request.headers)
  requestHeaders.set('Content-Security-Policy', csp)
  const response = NextResponse.next({ request: { headers: requestHeaders } })
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value)
  return response
}

export const config = {
  // Static build output carries no page and needs no nonce.
  matcher: ['/((?!_next/static|_next/image).*)'],
}
