// Disk use of sandboxes, measured through the Engine API (so it works with a remote engine):
// each container's writable layer (`SizeRw` from a container list with size=true) and each
// named volume (`UsageData.Size` from /system/df). Container logs are not measured: they
// rotate within a fixed size (SANDBOX_LOG_CONFIG). overlay2 on ext4 cannot enforce a quota
// (StorageOpt size needs xfs with pquota), so the watchdog measures and stops instead.
import type Docker from 'dockerode'
import type { SandboxDiskStatus } from '../../../contracts/runner-api'
import { HOST_LABEL } from '../topology/docker-driver'
import { LABEL } from './labels'

export const DISK_WARNING_RATIO = 0.8

export interface SandboxDiskUsage {
  usedBytes: number
  /** Per service: its writable layer plus the writable named volumes it mounts. */
  byHost: Array<{ host: string; containerId: string; bytes: number; running: boolean }>
}

/** One engine round trip for all sandboxes of this runner; df only when a sandbox has volumes. */
export async function measureDiskUsage(
  docker: Docker,
  runnerFilter: { label: string[] },
): Promise<Map<string, SandboxDiskUsage>> {
  const containers = await docker.listContainers({ all: true, size: true, filters: runnerFilter })
  const volumeSizes = new Map<string, number>()
  if (containers.some((c) => c.Mounts.some((m) => m.Type === 'volume'))) {
    const df = (await docker.df()) as {
      Volumes?: Array<{ Name: string; UsageData?: { Size?: number } | null }>
    }
    for (const v of df.Volumes ?? []) volumeSizes.set(v.Name, Math.max(0, v.UsageData?.Size ?? 0))
  }
  const usage = new Map<string, SandboxDiskUsage>()
  const countedVolumes = new Map<string, Set<string>>()
  for (const c of containers) {
    const sandboxId = c.Labels[LABEL.sandbox]
    const host = c.Labels[HOST_LABEL]
    if (!sandboxId || !host) continue
    const entry = usage.get(sandboxId) ?? { usedBytes: 0, byHost: [] }
    const counted = countedVolumes.get(sandboxId) ?? new Set<string>()
    // dockerode's ContainerInfo type leaves out the fields that `size: true` adds.
    let bytes = Math.max(0, (c as Docker.ContainerInfo & { SizeRw?: number }).SizeRw ?? 0)
    entry.usedBytes += bytes
    for (const mount of c.Mounts) {
      if (mount.Type !== 'volume' || !mount.Name || !mount.RW) continue
      const size = volumeSizes.get(mount.Name) ?? 0
      // A volume shared by two services counts once for the sandbox, but against each writer.
      bytes += size
      if (!counted.has(mount.Name)) entry.usedBytes += size
      counted.add(mount.Name)
    }
    entry.byHost.push({ host, containerId: c.Id, bytes, running: c.State === 'running' })
    usage.set(sandboxId, entry)
    countedVolumes.set(sandboxId, counted)
  }
  return usage
}

/** The learner-facing status for one measurement; `stoppedHosts` are the ones stopped so far. */
export function diskStatus(
  usedBytes: number,
  budgetBytes: number,
  stoppedHosts: string[],
  measuredAt: Date,
): SandboxDiskStatus {
  const level =
    usedBytes >= budgetBytes ? 'over' : usedBytes >= budgetBytes * DISK_WARNING_RATIO ? 'warning' : 'ok'
  const used = `${mib(usedBytes)} of ${mib(budgetBytes)}`
  const stopped = stoppedHosts.length > 0 ? stoppedHosts.map((h) => `"${h}"`).join(', ') : undefined
  const message =
    level === 'ok' && !stopped
      ? undefined
      : stopped
        ? `Your lab used up its disk space (${used}), so ${stopped} was stopped to protect the machine and other learners. Reset the lab to start again from a clean copy (files written in the lab are lost), or delete large files from the hosts still running.`
        : level === 'over'
          ? `Your lab has used up its disk space (${used}); the host writing the most is being stopped. Delete large files, or reset the lab.`
          : `Your lab is using ${used} of disk space (${Math.round((usedBytes / budgetBytes) * 100)} %). At 100 % the host writing the most is stopped; delete large files you do not need (e.g. in /tmp).`
  return {
    usedBytes,
    budgetBytes,
    level,
    ...(message ? { message } : {}),
    stoppedHosts,
    measuredAt: measuredAt.toISOString(),
  }
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`
}
