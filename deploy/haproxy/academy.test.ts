// deploy/haproxy/academy.cfg is a configuration HAProxy accepts (`haproxy -c`), with a
// throwaway self-signed certificate in place of the operator's. Uses the host's haproxy when
// installed, else the lab image that ships it (built by `npm run images`).
import { execFileSync, spawnSync } from 'node:child_process'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const LAB_IMAGE = 'helix-academy/haproxy:latest'
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'academy-haproxy-'))
  // The lab image's haproxy runs as its own user: it must read the (throwaway) files.
  await chmod(dir, 0o755)
  await mkdir(path.join(dir, 'certs'), { mode: 0o755 })
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=academy.example.com',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  const pem =
    (await readFile(path.join(dir, 'cert.pem'), 'utf8')) + (await readFile(path.join(dir, 'key.pem'), 'utf8'))
  await writeFile(path.join(dir, 'certs/academy.pem'), pem, { mode: 0o644 })
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const hostHaproxy = () => !spawnSync('haproxy', ['-v']).error
const certDir = () => (hostHaproxy() ? path.join(dir, 'certs') : '/cfg/certs')

/** `haproxy -c` on `config` (with the certificate folder pointed at the test's). */
async function check(config: string): Promise<{ status: number | null; output: string }> {
  await writeFile(path.join(dir, 'academy.cfg'), config.replace('/etc/haproxy/certs/', `${certDir()}/`), {
    mode: 0o644,
  })
  const run = !hostHaproxy()
    ? spawnSync(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'none',
          '-v',
          `${dir}:/cfg:ro`,
          LAB_IMAGE,
          'haproxy',
          '-c',
          '-f',
          '/cfg/academy.cfg',
        ],
        { encoding: 'utf8' },
      )
    : spawnSync('haproxy', ['-c', '-f', path.join(dir, 'academy.cfg')], { encoding: 'utf8', cwd: dir })
  expect(run.error, `neither haproxy nor docker with ${LAB_IMAGE} is available`).toBeUndefined()
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('deploy/haproxy/academy.cfg', () => {
  it('is valid for HAProxy', async () => {
    const config = await readFile(path.join(import.meta.dirname, 'academy.cfg'), 'utf8')
    expect(config).toContain('crt /etc/haproxy/certs/ ')
    const result = await check(config)
    expect(result.output).toContain('Configuration file is valid')
    expect(result.status).toBe(0)
  })

  it('balances two web app instances checked on /api/ready, with a long tunnel timeout for terminals', async () => {
    const config = await readFile(path.join(import.meta.dirname, 'academy.cfg'), 'utf8')
    expect(config.match(/^\s+server web\d 127\.0\.0\.1:300\d check$/gm)).toHaveLength(2)
    expect(config).toMatch(/http-check send meth GET uri \/api\/ready/)
    expect(config).toMatch(/timeout tunnel 2h/)
  })

  it('is rejected by the same check when broken (the check can fail)', async () => {
    const config = await readFile(path.join(import.meta.dirname, 'academy.cfg'), 'utf8')
    const result = await check(config.replace('balance roundrobin', 'balance nonsense'))
    expect(result.status).not.toBe(0)
  })
})
