import type { CliIo } from './cli-run'

/**
 * `helixagent reseed`: run by the lab-runner inside the container when a learner claims a
 * warm-pool sandbox. Hands the learner's seed (ACADEMY_SEED, set on the exec only) to the
 * running service through its control port, with the control token from the container's
 * environment. Not for learners: they never have a shell in this container.
 */
export async function reseed(io: CliIo): Promise<number> {
  const seed = io.env.ACADEMY_SEED
  const token = io.env.HELIXAGENT_CONTROL_TOKEN
  if (!seed || !token) {
    io.err('helixagent reseed: needs ACADEMY_SEED and HELIXAGENT_CONTROL_TOKEN in the environment\n')
    return 2
  }
  const port = io.env.HELIXAGENT_CONTROL_PORT ?? '9901'
  try {
    const response = await fetch(`http://127.0.0.1:${port}/seed`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seed }),
      signal: AbortSignal.timeout(10_000),
    })
    if (response.ok) return 0
    io.err(`helixagent reseed: the control port answered HTTP ${response.status}: ${await response.text()}\n`)
  } catch (cause) {
    io.err(`helixagent reseed: cannot reach the control port ${port} (${String(cause)})\n`)
  }
  return 1
}
