// What the learner sees while their sandbox starts: each service of the lab with where it is
// (waiting for its dependencies, starting, up), a bar of how many are up, and the setup phase.
import type { ProvisioningPhase, ProvisioningStatus, ServiceStatus } from '@/contracts/runner-api'
import styles from './lab.module.css'
import { serviceProgress, type ServiceProgress } from './service-progress'

const LABEL: Record<ServiceProgress, string> = {
  waiting: 'waiting for its dependencies',
  starting: 'starting…',
  up: 'up',
  done: 'done',
  failed: 'failed',
}

const PHASE: Record<ProvisioningPhase, string> = {
  'waiting-for-slot': 'Other labs are starting right now; yours starts as soon as one is up',
  'starting-services': 'Starting the services in dependency order',
  'running-setup': 'All services are up; preparing your lab scenario',
  personalising: 'A ready sandbox is yours; giving it your own variant and secrets',
}

export function ProvisioningProgress(props: {
  services: string[]
  statuses: ServiceStatus[]
  provisioning: ProvisioningStatus | null
}) {
  const { services, statuses, provisioning } = props
  const progress = services.map((name) => ({
    name,
    progress: serviceProgress(statuses.find((s) => s.host === name)),
  }))
  const upCount = progress.filter((p) => p.progress === 'up' || p.progress === 'done').length
  return (
    <div role="status" aria-live="polite" className={styles.provisioning}>
      <p>
        Starting your private lab environment…
        {provisioning && (
          <>
            {' '}
            <span className="muted">
              {PHASE[provisioning.phase]} ({provisioning.elapsedS} s
              {provisioning.typicalS > 0 ? `, usually about ${provisioning.typicalS} s` : ''}).
            </span>
          </>
        )}
      </p>
      <progress
        max={services.length}
        value={upCount}
        aria-label={`${upCount} of ${services.length} services up`}
      />
      <p className="muted">
        {upCount} of {services.length} services up
      </p>
      <ul className={styles.serviceList}>
        {progress.map(({ name, progress: p }) => (
          <li key={name} data-progress={p}>
            <span
              className={styles.dot}
              data-up={p === 'up' || p === 'done' ? 'true' : 'false'}
              data-progress={p}
              aria-hidden="true"
            />{' '}
            {name}: {LABEL[p]}
          </li>
        ))}
      </ul>
    </div>
  )
}
