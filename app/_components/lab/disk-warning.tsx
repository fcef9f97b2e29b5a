// The sandbox's disk budget on the lab page (decision 017): a notice from 80 %, an alert once the
// runner stopped a host at 100 %, in the runner's own words (what happened, how to reset).
import type { LabState } from './lab-api'

type DiskStatus = NonNullable<NonNullable<LabState['sandbox']>['disk']>

export interface DiskNotice {
  /** `warning`: still room, delete files; `over`: a host was (or is being) stopped. */
  level: 'warning' | 'over'
  text: string
}

/** What to tell the learner about the last disk measurement, or null when there is nothing to say. */
export function diskNotice(disk: DiskStatus | null): DiskNotice | null {
  if (!disk) return null
  const stopped = disk.stoppedHosts.length > 0
  if (disk.level === 'ok' && !stopped) return null
  const level = disk.level === 'over' || stopped ? 'over' : 'warning'
  if (disk.message) return { level, text: disk.message }
  // An older runner without a message: say the same from the figures.
  const percent = Math.min(100, Math.round((disk.usedBytes / Math.max(1, disk.budgetBytes)) * 100))
  const hosts = disk.stoppedHosts.map((h) => `"${h}"`).join(', ')
  return {
    level,
    text: stopped
      ? `Your lab used up its disk space, so ${hosts} was stopped to protect the machine and other learners. Reset the lab to start again from a clean copy (files written in the lab are lost).`
      : level === 'over'
        ? 'Your lab has used up its disk space; the host writing the most is being stopped. Delete large files, or reset the lab.'
        : `Your lab is using ${percent} % of its disk space. At 100 % the host writing the most is stopped; delete large files you do not need (e.g. in /tmp).`,
  }
}

export function DiskWarning({ disk }: { disk: DiskStatus | null }) {
  const notice = diskNotice(disk)
  if (!notice) return null
  return notice.level === 'over' ? (
    <p className="alert error" role="alert" data-testid="disk-warning">
      {notice.text}
    </p>
  ) : (
    <p className="alert info" role="status" data-testid="disk-warning">
      {notice.text}
    </p>
  )
}
