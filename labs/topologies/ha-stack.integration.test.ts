// The reference topology on the real Docker engine: builds (or reuses) the images, brings one
// ha-stack sandbox up through the lab-runner's own registry and driver, then proves the course's
// architecture works end to end — streaming replication, a formed Redis Cluster, HAProxy spreading
// over the three instances, Prometheus scraping them, a provider fault visible in the API, the
// metrics and the CLI, and the stack surviving the loss of the replica and of one Redis node.
// Every command runs inside the sandbox's own containers (exec), so no traffic leaves them.
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execCapture } from '../../lab-runner/src/exec/container-exec'
import { restartService, stopService } from '../../lab-runner/src/faults/service-faults'
import type { SandboxRef, SandboxRegistry } from '../../lab-runner/src/sandboxes/sandbox-registry'
import { ensureImages } from '../../scripts/images/build-images'
import { baseScore } from '../images/helixagent/src/providers'
import {
  HA_STACK_SLUG,
  newHaStackRegistry,
  removeRunnerResources,
  sh,
} from '../../scripts/bench/support/ha-stack-lab'

const docker = new Docker()
const INSTANCES = ['helixagent-1', 'helixagent-2', 'helixagent-3']
let registry: SandboxRegistry
let instance = ''
let sandbox: SandboxRef
let controlEnv: Record<string, string>

/** Runs a script in the sandbox and returns its output; fails the test with the output when it exits non-zero. */
async function ok(
  host: string,
  script: string,
  options: { timeoutS?: number; env?: Record<string, string> } = {},
): Promise<string> {
  const result = await sh(docker, sandbox, host, script, options)
  if (!result.passed)
    throw new Error(
      `on ${host}, exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}:\n${script}\n--- output ---\n${result.output}`,
    )
  return result.output
}

/** Parses the last line of a script's output as JSON (scripts print exactly one JSON document last). */
function lastJson<T>(output: string): T {
  const line = output.trim().split('\n').at(-1) ?? ''
  return JSON.parse(line) as T
}

beforeAll(async () => {
  const images = await ensureImages({
    only: [
      'postgres',
      'pgbouncer',
      'redis',
      'haproxy',
      'prometheus',
      'alertmanager',
      'exporters',
      'helixagent',
      'workstation',
      'grader',
    ],
  })
  if (!images.ok) throw new Error(`lab images are not available: ${images.message}`)

  ;({ registry, instance } = newHaStackRegistry({ docker }))
  await registry.start()
  const created = await registry.create({ userId: 'integration', labSlug: HA_STACK_SLUG })
  if (created.status !== 'provisioning' && created.status !== 'ready')
    throw new Error(`could not create the sandbox: ${JSON.stringify(created)}`)
  const settled = await registry.whenSettled(created.sandbox.id)
  if (settled?.state !== 'ready')
    throw new Error(`the ha-stack sandbox did not become ready: ${settled?.error ?? 'unknown'}`)
  const ref = registry.getSandbox(created.sandbox.id)
  if (!ref) throw new Error('the ready sandbox has no hosts')
  sandbox = ref
  controlEnv = {
    HELIXAGENT_CONTROL_TOKEN: registry.scriptEnv(sandbox.id)?.['HELIXAGENT_CONTROL_TOKEN'] ?? '',
  }
}, 400_000)

afterAll(async () => {
  await registry?.stop()
  if (instance) await removeRunnerResources(docker, instance)
}, 120_000)

describe('ha-stack on the real engine', () => {
  it('streams from pg-primary to pg-replica', async () => {
    // The replica can be healthy a moment before its WAL receiver reports in.
    const out = await ok(
      'grader',
      `for i in $(seq 40); do
         row=$(psql -tAc "select application_name || ' ' || state from pg_stat_replication")
         case "$row" in *streaming*) echo "$row"; exit 0;; esac
         sleep 0.5
       done
       echo "no streaming replica; pg_stat_replication: $row"; exit 1`,
      { timeoutS: 30 },
    )
    expect(out).toMatch(/streaming/)
    // The replica is in recovery (a hot standby), reached from the grader with the same role.
    expect(await ok('grader', 'psql -h pg-replica -tAc "select pg_is_in_recovery()"')).toMatch(/^t$/m)
  })

  it('has a formed Redis Cluster with every slot covered', async () => {
    const info = await ok('grader', 'redis-cli --no-auth-warning -h redis-1 cluster info')
    expect(info).toMatch(/cluster_state:ok/)
    expect(info).toMatch(/cluster_slots_assigned:16384/)
    expect(info).toMatch(/cluster_known_nodes:3/)
  })

  it('HAProxy spreads requests from the workstation over all three instances', async () => {
    const out = await ok(
      'workstation',
      `for i in $(seq 30); do
         curl -fsS -D - -o /dev/null "$HELIXAGENT_URL/health" | tr -d '\\r' | sed -n 's/^x-helixagent-instance: //Ip'
       done | sort | uniq -c`,
    )
    const counts = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/).reverse()),
    )
    expect(Object.keys(counts).sort()).toEqual(INSTANCES)
    for (const name of INSTANCES) expect(Number(counts[name])).toBeGreaterThanOrEqual(5)
  })

  it('Prometheus scrapes all three HelixAgent targets', async () => {
    // The scrape interval is 15 s and Prometheus starts before the instances: allow two rounds.
    const out = await ok(
      'grader',
      `for i in $(seq 90); do
         up=$(curl -fsS prometheus:9090/api/v1/targets | jq -c '[.data.activeTargets[] | select(.labels.job=="helixagent") | {instance: .labels.instance, health}]')
         [ "$(echo "$up" | jq '[.[] | select(.health=="up")] | length')" = 3 ] && { echo "$up"; exit 0; }
         sleep 0.5
       done
       echo "targets: $up"; exit 1`,
      { timeoutS: 50 },
    )
    const targets = lastJson<Array<{ instance: string; health: string }>>(out)
    expect(targets.map((t) => t.instance).sort()).toEqual(INSTANCES.map((name) => `${name}:8080`))
  }, 60_000)

  it('a provider fault set from the grader shows in the API, the metrics and the CLI', async () => {
    // The workstation has no control token, and the control port refuses it.
    expect(
      await ok(
        'workstation',
        'curl -s -o /dev/null -w "%{http_code}" -X POST -d "{}" http://helixagent-1:9901/faults',
      ),
    ).toBe('401')

    // Faults are per instance: degrade claude on all three so every answer through lb agrees.
    await ok(
      'grader',
      `for h in ${INSTANCES.join(' ')}; do
         curl -fsS -H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN" -d '{"kind":"degrade","provider":"claude","score":5.8}' http://$h:9901/faults >/dev/null
       done`,
      { env: controlEnv },
    )
    const verification = await ok(
      'grader',
      `for i in $(seq 40); do
         v=$(curl -fsS lb:8080/v1/providers/verification)
         echo "$v" | jq -e '.providers[] | select(.id=="claude") | .verified == false' >/dev/null && { echo "$v" | jq -c .; exit 0; }
         sleep 0.25
       done
       echo "$v"; exit 1`,
    )
    const body = lastJson<{
      failed: number
      providers: Array<{ id: string; verified: boolean; score: number }>
    }>(verification)
    const claude = body.providers.find((p) => p.id === 'claude')
    expect(claude).toMatchObject({ verified: false })
    expect(claude?.score).toBeLessThan(7)
    expect(body.failed).toBeGreaterThanOrEqual(1)
    expect(body.providers.find((p) => p.id === 'gemini')?.verified).toBe(true)

    for (const host of INSTANCES) {
      const metric = await ok(
        'grader',
        `curl -fsS http://${host}:8080/metrics | grep '^helixagent_provider_score{provider="claude"}'`,
      )
      expect(Number(metric.trim().split(/\s+/).at(-1)), host).toBeLessThan(7)
    }

    // The learner's CLI, through lb: the degraded provider fails (exit 1), a healthy one passes.
    const cli = await sh(docker, sandbox, 'workstation', 'helixagent verify --provider claude')
    expect(cli.exitCode, cli.output).toBe(1)
    expect(cli.output).toMatch(/claude/)
    const healthy = await sh(docker, sandbox, 'workstation', 'helixagent verify --provider gemini')
    expect(healthy.exitCode, healthy.output).toBe(0)

    await ok(
      'grader',
      `for h in ${INSTANCES.join(' ')}; do curl -fsS -X DELETE -H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN" http://$h:9901/faults >/dev/null; done`,
      { env: controlEnv },
    )
  })

  it("hands a warm claim's seed to the running instances live (x-academy.reseed), without a restart", async () => {
    const poolSeed = registry.scriptEnv(sandbox.id)?.['ACADEMY_SEED'] ?? ''
    // A learner's seed whose scores tell apart from the pool's, or the test proves nothing.
    const learnerSeed = Array.from({ length: 200 }, (_, i) => String(1000 + i)).find(
      (seed) => Math.abs(baseScore('claude', seed) - baseScore('claude', poolSeed)) > 0.15,
    )!
    const startedAt = async (host: string) =>
      (await docker.getContainer(sandbox.hosts[host]!.containerId).inspect()).State.StartedAt
    const claudeScore = async (host: string) =>
      Number(
        await ok(
          'grader',
          `curl -fsS http://${host}:8080/v1/providers/verification | jq '.providers[] | select(.id=="claude") | .score'`,
        ),
      )
    const handOver = (host: string, seed: string) =>
      execCapture({
        docker,
        containerId: sandbox.hosts[host]!.containerId,
        // The command ha-stack.yaml declares as the instances' x-academy.reseed.
        cmd: ['helixagent', 'reseed'],
        env: { ACADEMY_SEED: seed },
        deadlineMs: 15_000,
        onOutput: () => {},
      })

    for (const host of INSTANCES) {
      const before = await startedAt(host)
      expect((await handOver(host, learnerSeed)).exitCode, host).toBe(0)
      expect(await claudeScore(host), host).toBeCloseTo(baseScore('claude', learnerSeed), 1)
      expect(await ok(host, 'cat /var/lib/helixagent/seed')).toBe(`${learnerSeed}\n`)
      expect(await startedAt(host), host).toBe(before)
    }
    for (const host of INSTANCES) expect((await handOver(host, poolSeed)).exitCode, host).toBe(0)
    expect(await claudeScore('helixagent-1')).toBeCloseTo(baseScore('claude', poolSeed), 1)
  }, 60_000)

  it('keeps serving, degraded, when the replica is lost', async () => {
    expect(await stopService({ docker, sandbox, host: 'pg-replica' })).toMatchObject({
      status: 'done',
      state: 'exited',
    })
    try {
      const health = await ok(
        'workstation',
        `for i in $(seq 60); do
           h=$(curl -fsS --max-time 5 "$HELIXAGENT_URL/health")
           [ "$(echo "$h" | jq -r .status)" = degraded ] && { echo "$h" | jq -c '{status, database: .database.status, replica: .database_replica.status}'; exit 0; }
           sleep 0.25
         done
         echo "$h"; exit 1`,
      )
      expect(lastJson(health)).toEqual({ status: 'degraded', database: 'up', replica: 'down' })
      // Not just for a moment: HAProxy health-checks /health every 2 s and takes an instance out
      // after 3 failures, so keep reads and writes going through lb for ~15 s (several check rounds).
      const codes = await ok(
        'workstation',
        `for i in $(seq 20); do
           curl -s -o /dev/null -w "%{http_code}\\n" --max-time 5 "$HELIXAGENT_URL/v1/providers"
           [ $((i % 5)) = 0 ] && curl -s -o /dev/null -w "%{http_code}\\n" --max-time 10 -H 'content-type: application/json' \\
             -d '{"model":"helixagent-ensemble","messages":[{"role":"user","content":"ping"}]}' "$HELIXAGENT_URL/v1/chat/completions"
           sleep 0.75
         done`,
        { timeoutS: 60 },
      )
      const answers = codes.trim().split('\n')
      if (answers.some((code) => code !== '200')) {
        // Say why: HAProxy's check of /health (every 2 s, timeout = inter) against the instances' /health time.
        const why = await sh(
          docker,
          sandbox,
          'grader',
          `for h in ${INSTANCES.join(' ')}; do curl -s -o /dev/null -w "$h /health: %{http_code} in %{time_total} s\\n" --max-time 10 http://$h:8080/health; done
           curl -s 'lb:8404/stats;csv' | awk -F, '$1=="helixagent" && $2 ~ /^helixagent-/ {print "haproxy " $2 ": " $18 " " $37}'`,
        )
        expect.fail(`with the replica down, lb answered ${answers.join(' ')}\n${why.output}`)
      }
      expect(answers).toEqual(Array(24).fill('200'))
    } finally {
      // Bring the replica back so the next loss is tested on its own.
      await restartService({ docker, sandbox, host: 'pg-replica' })
      await registry.refreshHosts(sandbox.id)
    }
    const back = await sh(
      docker,
      sandbox,
      'grader',
      `for i in $(seq 60); do [ "$(curl -fsS --max-time 5 lb:8080/health | jq -r .database_replica.status)" = up ] && exit 0; sleep 0.5; done; exit 1`,
      { timeoutS: 40 },
    )
    expect(back.passed, `replica did not come back: ${back.output}`).toBe(true)
  }, 90_000)

  it('keeps serving when one Redis node is lost', async () => {
    expect(await stopService({ docker, sandbox, host: 'redis-3' })).toMatchObject({
      status: 'done',
      state: 'exited',
    })
    // Give the instances a moment to notice the node is gone, then push real traffic through lb.
    const out = await ok(
      'workstation',
      `sleep 2
       for i in $(seq 9); do
         curl -s -o /dev/null -w "%{http_code}\\n" --max-time 10 -H 'content-type: application/json' \\
           -d '{"model":"helixagent-ensemble","messages":[{"role":"user","content":"ping"}]}' "$HELIXAGENT_URL/v1/chat/completions"
       done
       for i in $(seq 6); do curl -s -o /dev/null -w "%{http_code}\\n" --max-time 10 "$HELIXAGENT_URL/health"; done`,
      { timeoutS: 60 },
    )
    expect(out.trim().split('\n')).toEqual(Array(15).fill('200'))
    const health = lastJson<{ status: string; database: { status: string } }>(
      await ok('workstation', 'curl -fsS "$HELIXAGENT_URL/health" | jq -c .'),
    )
    expect(health.status).not.toBe('unhealthy')
    expect(health.database.status).toBe('up')
  }, 60_000)
})
