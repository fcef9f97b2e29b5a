// A TCP connection to a port inside a container, carried by an exec through the Engine API of
// the node running it: bash opens the port on the container's loopback and relays it to the
// exec's stdin and stdout. The runner's machine is not on a Swarm overlay network, so this is
// how service tabs and dashboard queries reach a sandbox service there. The relay ends when the
// service closes the connection (requests carry `Connection: close`), and at the latest after
// TUNNEL_LIMIT_S, so an abandoned tunnel cannot pile up processes in the learner's container.
import { Duplex, PassThrough } from 'node:stream'
import type Docker from 'dockerode'

const TUNNEL_LIMIT_S = 600

// fd 4 keeps the exec's stdin for the background writer (bash gives background jobs /dev/null).
const RELAY = 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1; exec 4<&0; cat <&4 >&3 & cat <&3'

/** The Duplex an http.ClientRequest takes as its socket, with the socket methods it calls. */
class TunnelSocket extends Duplex {
  private idleTimer: NodeJS.Timeout | undefined
  private idleMs = 0

  constructor(
    private readonly upstream: Duplex,
    private readonly output: PassThrough,
  ) {
    super()
    output.on('data', (chunk: Buffer) => {
      this.touch()
      if (!this.push(chunk)) output.pause()
    })
    output.on('end', () => this.push(null))
    upstream.on('error', (error) => this.destroy(error))
  }

  override _read(): void {
    this.output.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.touch()
    this.upstream.write(chunk, done)
  }

  override _final(done: (error?: Error | null) => void): void {
    this.upstream.end()
    done()
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer)
    this.upstream.destroy()
    done(error)
  }

  /** Like net.Socket#setTimeout: 'timeout' after `ms` without traffic (0 turns it off). */
  setTimeout(ms: number, onTimeout?: () => void): this {
    if (onTimeout) this.once('timeout', onTimeout)
    this.idleMs = ms
    this.touch()
    return this
  }

  setNoDelay(): this {
    return this
  }

  setKeepAlive(): this {
    return this
  }

  private touch(): void {
    clearTimeout(this.idleTimer)
    if (this.idleMs > 0) this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs)
  }
}

export async function execTunnel(container: Docker.Container, port: number): Promise<Duplex> {
  const exec = await container.exec({
    Cmd: ['timeout', '-s', 'KILL', String(TUNNEL_LIMIT_S), 'bash', '-c', RELAY, 'relay', String(port)],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  })
  const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex
  const output = new PassThrough()
  // Non-TTY exec output is framed (stdout/stderr); the relay's errors are not part of the stream.
  container.modem.demuxStream(stream, output, new PassThrough().resume())
  stream.on('end', () => output.end())
  return new TunnelSocket(stream, output)
}
