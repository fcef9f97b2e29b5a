// Test-only: a hand-made "sandbox" of real containers for the tests of terminal/, files/,
// exec/, faults/ and proxy/. Everything carries `academy.test=1` and is removed by `remove()`.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import Docker from 'dockerode'
import type { SandboxHost, SandboxHostsView } from '../../exec/sandbox-host'

export const TEST_IMAGE = 'helix-academy/test-terminal:1'
const BASE_IMAGE = 'helix-academy/debian:bookworm'
const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')

// busybox gives us httpd (proxy tests) and nc (network fault probes) in one small package.
const DOCKERFILE = `ARG BASE_IMAGE=${BASE_IMAGE}
FROM \${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends tmux procps bash coreutils busybox \\
 && rm -rf /var/lib/apt/lists/* && useradd -m -u 1000 -s /bin/bash learner
LABEL academy.test=1
`

/** Builds the test image once per machine (cached by tag); a lock keeps parallel workers from building twice. */
export function ensureTestImage(): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'lab-runner/test-fixtures/ensure-base-image.sh')], {
    stdio: 'inherit',
  })
  const script = `docker image inspect ${TEST_IMAGE} >/dev/null 2>&1 || docker build -q -t ${TEST_IMAGE} - >/dev/null`
  execFileSync('flock', ['/tmp/helix-academy-test-terminal-image.lock', 'sh', '-c', script], {
    input: DOCKERFILE,
    stdio: ['pipe', 'inherit', 'inherit'],
  })
}

export interface TestSandbox extends SandboxHostsView {
  ownerId: string
  labSlug: string
  expiresAt: Date
  hosts: Record<string, SandboxHost>
  networkId: string
  docker: Docker
  remove(): Promise<void>
}

export interface TestHostSpec {
  name: string
  /** Command run as PID 1's child (docker-init reaps zombies); defaults to sleeping forever. */
  cmd?: string[]
}

export async function createTestSandbox(
  hostSpecs: ReadonlyArray<TestHostSpec | string>,
): Promise<TestSandbox> {
  const docker = new Docker()
  const id = `tt${randomBytes(5).toString('hex')}`
  const labels = { 'academy.test': '1', 'academy.sandbox': id }
  const network = await docker.createNetwork({
    Name: `academy-test-${id}`,
    Internal: true,
    Labels: labels,
  })
  const containers: Docker.Container[] = []
  const remove = async () => {
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => undefined)))
    await network.remove().catch(() => undefined)
  }
  try {
    const hosts: Record<string, SandboxHost> = {}
    await Promise.all(
      hostSpecs.map(async (spec) => {
        const { name, cmd } = typeof spec === 'string' ? { name: spec, cmd: undefined } : spec
        const container = await docker.createContainer({
          Image: TEST_IMAGE,
          name: `academy-test-${id}-${name}`,
          Hostname: name,
          Cmd: cmd ?? ['sleep', 'infinity'],
          Labels: { ...labels, 'academy.host': name },
          HostConfig: { Init: true, NetworkMode: network.id },
          NetworkingConfig: { EndpointsConfig: { [network.id]: { Aliases: [name] } } },
        })
        containers.push(container)
        await container.start()
        const info = await container.inspect()
        const ip = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress ?? ''
        hosts[name] = { containerId: info.Id, ip }
      }),
    )
    return {
      id,
      ownerId: 'user-test',
      labSlug: 'test-lab',
      expiresAt: new Date(Date.now() + 3_600_000),
      hosts,
      networkId: network.id,
      docker,
      remove,
    }
  } catch (error) {
    await remove()
    throw error
  }
}

/** Runs a shell command in a test container and returns its stdout (for test assertions only). */
export function dockerExec(containerId: string, command: string, user = 'root'): string {
  return execFileSync('docker', ['exec', '-u', user, containerId, 'sh', '-c', command], { encoding: 'utf8' })
}

/** Writes a file in a test container (as root) with the given mode. */
export function dockerWriteFile(containerId: string, filePath: string, content: string, mode = '644'): void {
  execFileSync(
    'docker',
    [
      'exec',
      '-i',
      containerId,
      'sh',
      '-c',
      'mkdir -p "$(dirname "$1")" && cat > "$1" && chmod "$2" "$1"',
      'write',
      filePath,
      mode,
    ],
    {
      input: content,
    },
  )
}
