import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestSandbox,
  dockerWriteFile,
  ensureTestImage,
  type TestSandbox,
} from '../terminal/test-support/test-sandbox'
import { proxyHttp, rewriteLocation, SERVICE_TAB_CSP, type ProxyResult } from './proxy-http'

let sandbox: TestSandbox
let server: http.Server
let baseUrl: string
const results: ProxyResult[] = []
const serviceTabs = [
  { host: 'web', port: 8080 },
  { host: 'web', port: 9999 },
]

beforeAll(async () => {
  ensureTestImage()
  sandbox = await createTestSandbox([
    { name: 'web', cmd: ['sh', '-c', 'mkdir -p /srv/www && exec busybox httpd -f -p 8080 -h /srv/www'] },
  ])
  // busybox httpd runs CGI scripts from cgi-bin: one echoes the request environment, one redirects and sets a cookie.
  // busybox passes CGI header lines through as written, so they end in CRLF (Node's parser is strict).
  const web = sandbox.hosts.web!.containerId
  dockerWriteFile(web, '/srv/www/index.html', '<h1>hello from web</h1>\n')
  dockerWriteFile(
    web,
    '/srv/www/cgi-bin/env',
    '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nenv | sort\n',
    '755',
  )
  dockerWriteFile(
    web,
    '/srv/www/cgi-bin/redirect',
    '#!/bin/sh\nprintf "Status: 302 Found\\r\\nLocation: /graph?g0=1\\r\\nSet-Cookie: session=evil\\r\\n\\r\\n"\n',
    '755',
  )
  // A learner-controlled page that tries to loosen the CSP and plant a session cookie on our origin.
  dockerWriteFile(
    web,
    '/srv/www/cgi-bin/evil',
    '#!/bin/sh\nprintf "Content-Type: text/html\\r\\nContent-Security-Policy: sandbox allow-scripts allow-same-origin\\r\\nSet-Cookie: better-auth.session_token=attacker; Path=/\\r\\nRefresh: 0; url=http://evil.example/\\r\\n\\r\\n"\necho "<script>document.cookie=1</script>"\n',
    '755',
  )
  // Stand-in for the runner's proxy route (http/proxy-routes.ts): /proxy/:sandbox/:host/:port/<rest>
  server = http.createServer((req, res) => {
    const match = /^\/proxy\/([^/]+)\/([^/]+)\/(\d+)(\/.*)?$/.exec(req.url ?? '')
    if (match === null || match[1] !== sandbox.id) return void res.writeHead(404).end()
    void proxyHttp(req, res, {
      sandbox,
      host: match[2]!,
      port: Number(match[3]),
      path: match[4] ?? '/',
      serviceTabs,
    }).then((r) => results.push(r))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/proxy/${sandbox.id}`
})
afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve))
  await sandbox?.remove()
})

describe('proxyHttp', () => {
  it('serves a page from the sandbox container', async () => {
    const res = await fetch(`${baseUrl}/web/8080/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('hello from web')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('strips cookies and authorization, forwards other headers', async () => {
    const res = await fetch(`${baseUrl}/web/8080/cgi-bin/env?q=1`, {
      headers: {
        cookie: 'academy_session=secret',
        authorization: 'Bearer secret-token',
        'x-test': 'passed-through',
      },
    })
    const body = await res.text()
    expect(res.status).toBe(200)
    expect(body).toContain('HTTP_X_TEST=passed-through')
    expect(body).toContain('QUERY_STRING=q=1')
    expect(body).not.toContain('secret')
  })

  it('rewrites redirects into the proxy prefix and drops Set-Cookie', async () => {
    const res = await fetch(`${baseUrl}/web/8080/cgi-bin/redirect`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`/proxy/${sandbox.id}/web/8080/graph?g0=1`)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('sandboxes every answer by CSP without allow-same-origin, whatever upstream sends', async () => {
    const res = await fetch(`${baseUrl}/web/8080/cgi-bin/evil`)
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    // Exactly one policy (ours): a second upstream header would be combined by the browser, not replace ours.
    expect(csp).toBe(SERVICE_TAB_CSP)
    expect(csp).toMatch(/^sandbox allow-scripts allow-forms allow-popups/)
    expect(csp).not.toContain('allow-same-origin')
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(res.headers.get('refresh')).toBeNull()
    expect(await res.text()).toContain('<script>')
    // Error answers from the proxy itself carry it too.
    const dead = await fetch(`${baseUrl}/web/9999/`)
    expect(dead.headers.get('content-security-policy')).toBe(SERVICE_TAB_CSP)
    const page = await fetch(`${baseUrl}/web/8080/`)
    expect(page.headers.get('content-security-policy')).toBe(SERVICE_TAB_CSP)
  })

  it('refuses ports that are not service tabs, and reports a dead upstream', async () => {
    const refused = await fetch(`${baseUrl}/web/22/`)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'not-a-service-tab' } })
    const unknown = await fetch(`${baseUrl}/db/8080/`)
    expect(unknown.status).toBe(403)
    const dead = await fetch(`${baseUrl}/web/9999/`)
    expect(dead.status).toBe(502)
    expect(await dead.json()).toMatchObject({ error: { code: 'upstream-unreachable' } })
  })
})

describe('rewriteLocation', () => {
  it('rewrites only redirects that stay on the upstream', () => {
    const prefix = '/proxy/s1/prometheus/9090'
    expect(rewriteLocation('/graph', prefix, ['10.0.0.2', 'prometheus'], 9090)).toBe(`${prefix}/graph`)
    expect(
      rewriteLocation('http://prometheus:9090/alerts?x=1', prefix, ['10.0.0.2', 'prometheus'], 9090),
    ).toBe(`${prefix}/alerts?x=1`)
    expect(rewriteLocation('http://10.0.0.2:9090/', prefix, ['10.0.0.2', 'prometheus'], 9090)).toBe(
      `${prefix}/`,
    )
    expect(rewriteLocation('https://example.com/x', prefix, ['10.0.0.2', 'prometheus'], 9090)).toBe(
      'https://example.com/x',
    )
    expect(rewriteLocation('//evil.example/x', prefix, ['prometheus'], 9090)).toBe('//evil.example/x')
    expect(rewriteLocation('graph', prefix, ['prometheus'], 9090)).toBe('graph')
  })
})
