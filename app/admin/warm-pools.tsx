// Admin: warm pool size per lab (stored in the database, pushed to the runner) and what the
// runner holds: ready and starting sandboxes, hits and misses, claim-to-ready times.
import type { PoolOverview } from '@/server/pools/pool-settings'
import { setPoolSizeAction } from './actions'

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`
const seconds = (s: number | null | undefined) => (s === null || s === undefined ? '–' : `${s.toFixed(2)} s`)

export function WarmPools({ overview }: { overview: PoolOverview }) {
  const status = overview.runner
  return (
    <section aria-labelledby="pools-heading">
      <h2 id="pools-heading">Warm pools</h2>
      <p className="muted">
        Sandboxes started ahead of demand, so a learner pressing Start gets a terminal at once. They count
        toward the runner&apos;s capacity and give way to learners when it is short.
        {status &&
          ` Memory held by warm sandboxes: ${mib(status.memoryUsedBytes)} of ${mib(status.memoryBudgetBytes)} (RUNNER_POOL_MEMORY_MB).`}
      </p>
      {!status && (
        <p className="alert error" role="alert">
          The lab engine does not answer ({overview.runnerMessage}); sizes saved now apply when it is back.
        </p>
      )}
      <table className="data" data-testid="warm-pools">
        <thead>
          <tr>
            <th scope="col">Lab</th>
            <th scope="col">Pool size</th>
            <th scope="col">Ready</th>
            <th scope="col">Starting</th>
            <th scope="col">Hits / misses</th>
            <th scope="col">Claim p50 / p95</th>
          </tr>
        </thead>
        <tbody>
          {overview.labs.map((lab) => {
            const pool = status?.pools.find((p) => p.key === `lab:${lab.slug}`)
            const starts = status?.labs.find((l) => l.labSlug === lab.slug)
            return (
              <tr key={lab.slug}>
                <td>{lab.title}</td>
                <td>
                  <form action={setPoolSizeAction} style={{ display: 'flex', gap: '0.4rem' }}>
                    <input type="hidden" name="labSlug" value={lab.slug} />
                    <input
                      type="number"
                      name="size"
                      min={0}
                      max={50}
                      defaultValue={lab.setting ?? pool?.wanted ?? 0}
                      aria-label={`Warm pool size for ${lab.title}`}
                      style={{ width: '5rem' }}
                    />
                    <button type="submit" className="button small">
                      Save
                    </button>
                  </form>
                  {lab.setting === null && <span className="muted"> (runner default)</span>}
                  {pool && pool.target < pool.wanted && (
                    <span className="muted"> holds {pool.target}: memory budget or capacity</span>
                  )}
                </td>
                <td>{pool?.ready ?? 0}</td>
                <td>{pool?.starting ?? 0}</td>
                <td>{starts ? `${starts.hits} / ${starts.misses}` : '–'}</td>
                <td>
                  {seconds(starts?.claimP50S)} / {seconds(starts?.claimP95S)}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
