// Smoke test of the HA data tier built from our images, on a fresh internal network:
// PostgreSQL primary + streaming replica, and a 3-node Redis Cluster.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureImages } from './build-images'
import { docker, type RunResult } from './docker-cli'

const suffix = randomBytes(4).toString('hex')
const network = `academy-test-images-${suffix}`
const labels = ['--label', 'academy.test=1', '--label', `academy.test-run=${suffix}`]
const password = randomBytes(12).toString('hex')
let postgresImage = ''
let redisImage = ''

async function mustRun(args: string[]): Promise<RunResult> {
  const result = await docker(args, { timeoutMs: 60_000 })
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed: ${result.stderr.trim()}`)
  return result
}

async function startContainer(
  alias: string,
  image: string,
  env: Record<string, string>,
  command: string[] = [],
): Promise<string> {
  const name = `${network}-${alias}`
  const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`])
  await mustRun([
    'run',
    '-d',
    '--name',
    name,
    '--hostname',
    alias,
    '--network',
    network,
    '--network-alias',
    alias,
    ...labels,
    ...envArgs,
    image,
    ...command,
  ])
  return name
}

async function exec(container: string, command: string[]): Promise<RunResult> {
  return docker(['exec', container, 'timeout', '-s', 'KILL', '20', ...command], { timeoutMs: 30_000 })
}

async function waitFor(what: string, deadlineMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < deadlineMs) {
    if (await probe()) return (Date.now() - started) / 1000
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what} not ready within ${deadlineMs / 1000}s`)
}

beforeAll(async () => {
  const built = await ensureImages({ only: ['postgres', 'redis'] })
  if (!built.ok) throw new Error(built.message)
  postgresImage = built.images.find((image) => image.name === 'postgres')?.tag ?? ''
  redisImage = built.images.find((image) => image.name === 'redis')?.tag ?? ''
  await mustRun(['network', 'create', '--internal', ...labels, network])
}, 1_200_000)

afterAll(async () => {
  const containers = await docker(['ps', '-aq', '--filter', `label=academy.test-run=${suffix}`])
  const ids = containers.stdout.split('\n').filter(Boolean)
  if (ids.length > 0) await docker(['rm', '-f', '-v', ...ids])
  await docker(['network', 'rm', network])
})

describe('HA data tier from the lab images', () => {
  it('streams from a PostgreSQL primary to a replica and forms a 3-node Redis Cluster', async () => {
    const started = Date.now()
    const primary = await startContainer('pg-primary', postgresImage, {
      POSTGRES_USER: 'helixagent',
      POSTGRES_PASSWORD: password,
      POSTGRES_DB: 'helixagent_db',
    })
    const replica = await startContainer('pg-replica', postgresImage, {
      PG_ROLE: 'replica',
      PRIMARY_HOST: 'pg-primary',
      POSTGRES_USER: 'helixagent',
      REPLICATION_PASSWORD: password,
    })
    const redisNodes = await Promise.all(
      ['redis-1', 'redis-2', 'redis-3'].map((alias) =>
        startContainer(alias, redisImage, { REDIS_CLUSTER: 'yes' }),
      ),
    )
    const psql = (container: string, sql: string): Promise<RunResult> =>
      exec(container, [
        'psql',
        '-X',
        '-At',
        '-h',
        '/var/run/postgresql',
        '-U',
        'helixagent',
        '-d',
        'helixagent_db',
        '-c',
        sql,
      ])

    const clusterInit = docker(
      [
        'run',
        '--rm',
        '--network',
        network,
        ...labels,
        redisImage,
        'redis-cluster-init',
        'redis-1:6379',
        'redis-2:6379',
        'redis-3:6379',
      ],
      { timeoutMs: 90_000 },
    ).then((result) => ({ result, seconds: (Date.now() - started) / 1000 }))

    await waitFor('replication', 90_000, async () => {
      const state = await psql(primary, 'select state from pg_stat_replication')
      return state.stdout.trim() === 'streaming'
    })
    const replicationSeconds = (Date.now() - started) / 1000
    const { result: init, seconds: redisSeconds } = await clusterInit
    expect(init.stdout).toContain('cluster_state:ok')

    // Both tiers are ready: report the figure the lab-runner's start-up budget depends on.
    const allReadySeconds = Math.max(replicationSeconds, redisSeconds)
    console.log(
      `data tier ready: pg streaming after ${replicationSeconds.toFixed(1)}s, redis cluster ok after ${redisSeconds.toFixed(1)}s, ` +
        `both after ${allReadySeconds.toFixed(1)}s`,
    )

    // Replication carries data, and the replica is read-only.
    expect((await psql(primary, "create table smoke(v text); insert into smoke values ('hello')")).code).toBe(
      0,
    )
    await waitFor(
      'row on replica',
      20_000,
      async () => (await psql(replica, 'select v from smoke')).stdout.trim() === 'hello',
    )
    expect((await psql(replica, 'select pg_is_in_recovery()')).stdout.trim()).toBe('t')
    const write = await psql(replica, "insert into smoke values ('nope')")
    expect(write.code).not.toBe(0)
    expect(write.stderr).toContain('read-only transaction')

    // The cluster serves keys from any node (with -c redirects) and every node reports ok.
    for (const node of redisNodes) {
      const info = await exec(node, ['redis-cli', 'cluster', 'info'])
      expect(info.stdout).toContain('cluster_state:ok')
      expect(info.stdout).toContain('cluster_known_nodes:3')
    }
    expect(
      (await exec(redisNodes[0] ?? '', ['redis-cli', '-c', 'set', 'smoke', 'value'])).stdout.trim(),
    ).toBe('OK')
    expect((await exec(redisNodes[2] ?? '', ['redis-cli', '-c', 'get', 'smoke'])).stdout.trim()).toBe('value')

    // pg_dump/pg_restore ship in the image (the backup labs use them).
    const dump = await exec(primary, [
      'pg_dump',
      '-h',
      '/var/run/postgresql',
      '-U',
      'helixagent',
      '-d',
      'helixagent_db',
      '--format=custom',
      '-f',
      '/tmp/db.dump',
    ])
    expect(dump.code).toBe(0)
    expect((await exec(primary, ['pg_restore', '--list', '/tmp/db.dump'])).stdout).toContain(
      'TABLE public smoke',
    )
  }, 180_000)
})
