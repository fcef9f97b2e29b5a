import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attachTerminalServer, type TerminalServer } from './terminal-server'
import { createTicketStore, type MintRequest } from './tickets'
import { connectTerminal, expectConnected, type TerminalClient } from './test-support/terminal-client'
import { createTestSandbox, dockerExec, ensureTestImage, type TestSandbox } from './test-support/test-sandbox'

let sandbox: TestSandbox
let server: http.Server
let terminals: TerminalServer
let baseUrl: string
const tickets = createTicketStore({ ttlMs: 30_000 })
const warnings: string[] = []
const openClients: TerminalClient[] = []

beforeAll(async () => {
  ensureTestImage()
  sandbox = await createTestSandbox(['workstation', 'db'])
  server = http.createServer((_req, res) => res.writeHead(404).end())
  terminals = attachTerminalServer(server, {
    docker: sandbox.docker,
    tickets,
    getSandbox: (id) => (id === sandbox.id ? sandbox : undefined),
    allowedOrigins: ['http://localhost:3000'],
    log: { info: () => undefined, warn: (message) => warnings.push(message) },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await Promise.all(openClients.map((c) => c.close()))
  await terminals?.close()
  if (server) await new Promise((resolve) => server.close(resolve))
  await sandbox?.remove()
})

function mint(overrides: Partial<MintRequest> = {}): string {
  return tickets.mint({
    userId: 'user-test',
    sandboxId: sandbox.id,
    host: 'workstation',
    mode: 'rw',
    tab: 'main',
    ...overrides,
  }).ticket
}

async function open(
  overrides: Partial<MintRequest> = {},
  query: Record<string, string> = {},
  autoAck = true,
): Promise<TerminalClient> {
  const client = expectConnected(
    await connectTerminal(baseUrl, { ticket: mint(overrides), ...query }, { autoAck }),
  )
  openClients.push(client)
  await client.waitForMessage('hello')
  return client
}

/** Waits for the shell prompt, so typed input is not raced against bash start-up. */
async function ready(client: TerminalClient): Promise<void> {
  await client.waitForText(/\$ /, 10_000)
}

function waitFor(test: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (test()) resolve()
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`))
      else setImmediate(poll)
    }
    poll()
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

describe('terminal over WebSocket', () => {
  it('says hello, echoes typed input and measures the keystroke round trip', async () => {
    const client = await open({ tab: 'echo' })
    expect(client.messages[0]).toEqual({ type: 'hello', host: 'workstation', tab: 'echo', mode: 'rw' })
    await ready(client)
    client.type('echo "sum=$((6*7))" ü\r')
    await client.waitForText('sum=42')
    await client.waitForText('ü')

    // Round trip of single keystrokes: send one character, wait until it comes back, then
    // let the line go quiet so the next sample is not fooled by a late redraw.
    const samples: number[] = []
    for (let i = 0; i < 200; i++) {
      const key = String.fromCharCode(97 + (i % 26))
      const before = client.received()
      const sentAt = performance.now()
      client.type(key)
      await waitFor(() => client.textSince(before).includes(key), `keystroke ${i} to be echoed`)
      samples.push(client.lastOutputAt() - sentAt)
      await waitFor(() => performance.now() - client.lastOutputAt() > 3, 'output to go quiet')
      if (i % 60 === 59) client.type('\x15') // Ctrl-U keeps the line short
      await waitFor(() => performance.now() - client.lastOutputAt() > 3, 'output to go quiet')
    }
    client.type('\x15') // Ctrl-U: clear the line again
    samples.sort((a, b) => a - b)
    const median = percentile(samples, 50)
    const p99 = percentile(samples, 99)
    console.log(
      `keystroke echo round trip over 200 keys: median ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
    )
    expect(median).toBeLessThan(50)
  })

  it('resizes the terminal (clamped) and runs the shell as learner', async () => {
    const client = await open({ tab: 'resize' })
    await ready(client)
    client.control({ type: 'resize', cols: 123, rows: 41 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    client.type('echo "size=$(stty size) user=$(id -un)"\r')
    // tmux keeps one row for its status line.
    await client.waitForText(/size=40 123 user=learner/)
    client.control({ type: 'resize', cols: 100_000, rows: 100_000 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    client.type('echo "size=$(stty size)"\r')
    await client.waitForText(/size=199 500/)
  })

  it('restores the screen on reconnect with a new ticket, without leaving tmux clients behind', async () => {
    const first = await open({ tab: 'restore' })
    await ready(first)
    first.type('echo "marker-$((1000+234))"\r')
    await first.waitForText('marker-1234')
    await first.close()
    const second = await open({ tab: 'restore' })
    await second.waitForText('marker-1234')
    // The first socket's tmux client is detached (asynchronously, after its socket closed), so
    // soon only one client is attached.
    const attached = () =>
      dockerExec(sandbox.hosts.workstation!.containerId, 'tmux list-clients -t restore', 'learner')
        .trim()
        .split('\n').length
    await waitFor(() => attached() === 1, 'the first tmux client to be detached', 10_000)
    expect(attached()).toBe(1)
  })

  it('refuses a reused ticket, and tickets for another sandbox or host, before upgrading', async () => {
    const ticket = mint({ tab: 'reuse' })
    const first = expectConnected(await connectTerminal(baseUrl, { ticket }))
    openClients.push(first)
    const again = await connectTerminal(baseUrl, { ticket })
    expect(again).toMatchObject({ ok: false, status: 401 })
    expect(again.ok ? '' : again.body).toContain('ticket-invalid')

    expect(await connectTerminal(baseUrl, { ticket: mint({ sandboxId: 'someone-else' }) })).toMatchObject({
      ok: false,
      status: 404,
    })
    expect(await connectTerminal(baseUrl, { ticket: mint({ host: 'grader' }) })).toMatchObject({
      ok: false,
      status: 403,
    })
    expect(await connectTerminal(baseUrl, { ticket: mint(), host: 'db' })).toMatchObject({
      ok: false,
      status: 403,
    })
    expect(await connectTerminal(baseUrl, { ticket: 'x'.repeat(43) })).toMatchObject({
      ok: false,
      status: 401,
    })
    expect(await connectTerminal(baseUrl, {})).toMatchObject({ ok: false, status: 401 })
    expect(warnings).toContain('terminal upgrade refused')
    expect(terminals.stats().rejected).toBeGreaterThanOrEqual(6)
  })

  it('refuses a foreign Origin before upgrading, without burning the ticket', async () => {
    const ticket = mint({ tab: 'origin' })
    const refused = await connectTerminal(baseUrl, { ticket }, { origin: 'https://evil.example' })
    expect(refused).toMatchObject({ ok: false, status: 403 })
    expect(refused.ok ? '' : refused.body).toContain('origin-not-allowed')
    const accepted = expectConnected(await connectTerminal(baseUrl, { ticket }))
    openClients.push(accepted)
    await accepted.waitForMessage('hello')
  })

  it('lets a read-only viewer watch but not type', async () => {
    const owner = await open({ tab: 'watched' })
    await ready(owner)
    const viewer = await open({ tab: 'watched', mode: 'ro' })
    expect(viewer.messages[0]).toMatchObject({ type: 'hello', mode: 'ro' })
    viewer.type('echo viewer-typed\r')
    const error = await viewer.waitForMessage('error')
    expect(error).toMatchObject({ code: 'read-only' })
    owner.type('echo "owner-$((2*21))"\r')
    await viewer.waitForText('owner-42')
    const screen = dockerExec(
      sandbox.hosts.workstation!.containerId,
      'tmux capture-pane -p -t watched',
      'learner',
    )
    expect(screen).toContain('owner-42')
    expect(screen).not.toContain('viewer-typed')
  })

  it('counts read-only viewers per sandbox, not the owner, and forgets them on close', async () => {
    // Viewers of earlier tests stay open until afterAll, so count relative to now.
    const before = terminals.viewers(sandbox.id)
    const owner = await open({ tab: 'counted' })
    expect(terminals.viewers(sandbox.id)).toBe(before)
    const first = await open({ tab: 'counted', mode: 'ro' })
    const second = await open({ tab: 'counted', mode: 'ro', userId: 'instructor-2' })
    expect(terminals.viewers(sandbox.id)).toBe(before + 2)
    expect(terminals.viewers('another-sandbox')).toBe(0)
    await first.close()
    await waitFor(() => terminals.viewers(sandbox.id) === before + 1, 'the first viewer to be forgotten')
    await second.close()
    await waitFor(() => terminals.viewers(sandbox.id) === before, 'the second viewer to be forgotten')
    await owner.close()
  })

  it('stops reading output when the client does not ack (flow control)', async () => {
    // tmux only forwards screen redraws (tens of KiB/s even under `yes`), so a second
    // endpoint with a small high-water mark makes the pause observable within a second.
    const small = attachTerminalServer(server, {
      docker: sandbox.docker,
      tickets,
      getSandbox: (id) => (id === sandbox.id ? sandbox : undefined),
      allowedOrigins: ['http://localhost:3000'],
      log: { info: () => undefined, warn: () => undefined },
      path: '/terminal-small',
      limits: { highWaterBytes: 8 * 1024, lowWaterBytes: 2 * 1024 },
    })
    try {
      const client = expectConnected(
        await connectTerminal(
          baseUrl,
          { ticket: mint({ tab: 'noack' }) },
          { autoAck: false, path: '/terminal-small' },
        ),
      )
      openClients.push(client)
      await ready(client)
      client.ack(client.received())
      const mark = client.received()
      client.type('yes\r')
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      const stalledAt = client.received()
      // High-water mark plus whatever chunk was in flight when the limit was crossed.
      expect(stalledAt - mark).toBeGreaterThanOrEqual(8 * 1024)
      expect(stalledAt - mark).toBeLessThan(8 * 1024 + 64 * 1024)
      await new Promise((resolve) => setTimeout(resolve, 700))
      expect(client.received()).toBe(stalledAt)
      client.ack(stalledAt - mark)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(client.received()).toBeGreaterThan(stalledAt)
      client.ack(client.received())
      client.type('\x03')
    } finally {
      await small.close()
    }
  })

  it('drops a peer that stops answering heartbeats, and the shell lives on', async () => {
    const fast = attachTerminalServer(server, {
      docker: sandbox.docker,
      tickets,
      getSandbox: (id) => (id === sandbox.id ? sandbox : undefined),
      allowedOrigins: ['http://localhost:3000'],
      log: { info: () => undefined, warn: () => undefined },
      path: '/terminal-fast',
      limits: { heartbeatMs: 300 },
    })
    try {
      const client = expectConnected(
        await connectTerminal(baseUrl, { ticket: mint({ tab: 'heartbeat' }) }, { path: '/terminal-fast' }),
      )
      openClients.push(client)
      await client.waitForMessage('hello')
      await ready(client)
      expect(fast.stats().active).toBe(1)
      // A live client answers pings by itself: it survives several heartbeats.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(fast.stats().active).toBe(1)
      // A frozen one (we stop reading its socket, so pings go unanswered) is dropped.
      client.ws.pause()
      await waitFor(() => fast.stats().active === 0, 'the dead peer to be dropped', 3_000)
      client.ws.resume()
      expect(await client.waitForClose()).toBe(1006)
      const sessions = dockerExec(
        sandbox.hosts.workstation!.containerId,
        'tmux list-sessions -F "#S"',
        'learner',
      )
      expect(sessions.split('\n')).toContain('heartbeat')
    } finally {
      await fast.close()
    }
  })

  it('keeps Ctrl-C responsive while `yes` floods the terminal', async () => {
    const client = await open({ tab: 'flood' })
    await ready(client)
    client.type('yes\r')
    const floodStart = client.received()
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const flooded = client.received() - floodStart
    expect(flooded).toBeGreaterThan(2 * 1024) // tmux forwards redraws, not every line
    const sentAt = performance.now()
    client.type('\x03')
    client.type('echo "stopped-$((40+2))"\r')
    await client.waitForText('stopped-42', 5_000)
    const latency = performance.now() - sentAt
    console.log(
      `Ctrl-C during a yes flood: prompt back and next command echoed after ${latency.toFixed(0)} ms (${(flooded / 1024).toFixed(0)} KiB of redraws in the 2 s of flood)`,
    )
    expect(latency).toBeLessThan(2_000)
  })

  it('answers an oversized paste with an error and keeps the session', async () => {
    const client = await open({ tab: 'paste' })
    await ready(client)
    client.type(Buffer.alloc(100 * 1024, 0x61))
    expect(await client.waitForMessage('error')).toMatchObject({ code: 'input-too-large' })
    client.control({ nonsense: true })
    client.type('echo "still-$((3*3))"\r')
    await client.waitForText('still-9')
    // Far beyond the ceiling, ws closes the socket cleanly with 1009 (message too big).
    client.type(Buffer.alloc(2 * 1024 * 1024, 0x61))
    expect(await client.waitForClose()).toBe(1009)
  })

  it('reports the shell exit and counts sessions', async () => {
    const before = terminals.stats()
    const client = await open({ tab: 'leave' })
    expect(terminals.stats().active).toBe(before.active + 1)
    await ready(client)
    client.type('exit\r')
    expect(await client.waitForMessage('exit')).toEqual({ type: 'exit', code: 0 })
    expect(await client.waitForClose()).toBe(1000)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(terminals.stats().active).toBe(before.active)
    expect(terminals.stats().opened).toBe(before.opened + 1)
  })
})

describe('a sandbox that just became ready', () => {
  it('has its shell user looked up before the first socket, which then opens only the shell', async () => {
    // The same sandbox behind a second terminal server whose Docker access records every exec.
    const execs: string[][] = []
    const recording = {
      getContainer: (id: string) => {
        const container = sandbox.docker.getContainer(id)
        const exec = container.exec.bind(container)
        container.exec = ((options: { Cmd: string[] }) => {
          execs.push(options.Cmd)
          return exec(options)
        }) as typeof container.exec
        return container
      },
    }
    const second = http.createServer((_req, res) => res.writeHead(404).end())
    const prepared = attachTerminalServer(second, {
      docker: recording,
      tickets,
      getSandbox: (id) => (id === sandbox.id ? sandbox : undefined),
      allowedOrigins: ['http://localhost:3000'],
      log: { info: () => undefined, warn: () => undefined },
    })
    await new Promise<void>((resolve) => second.listen(0, '127.0.0.1', resolve))
    try {
      prepared.prepare([sandbox.hosts['workstation']!.containerId])
      await expect.poll(() => execs.map((cmd) => cmd.join(' '))).toEqual(['id -u learner'])
      const url = `http://127.0.0.1:${(second.address() as AddressInfo).port}`
      const client = expectConnected(await connectTerminal(url, { ticket: mint({ tab: 'prepared' }) }))
      openClients.push(client)
      await client.waitForMessage('hello')
      // One exec for the shell, none for the user: the lookup was done.
      expect(execs.map((cmd) => cmd[0])).toEqual(['id', 'sh'])
      await ready(client)
      client.type('echo "user=$(id -un)"\r')
      await client.waitForText(/user=learner/)
    } finally {
      await prepared.close()
      await new Promise((resolve) => second.close(resolve))
    }
  })
})
