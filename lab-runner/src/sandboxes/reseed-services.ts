// A claimed warm-pool sandbox takes its learner's seed. Recreating the services whose definition
// uses the seed costs tens of seconds (they start again and everything that waits for them
// waits again), so a service that declares `x-academy.reseed` gets the seed handed over live
// by that command instead; only the others are recreated.
import type { ContainerAccess } from '../engine/sandbox-engine'
import { dockerErrorMessage, execCapture } from '../exec/container-exec'
import type { ServiceSpec } from '../topology/parse-topology'

const RESEED_DEADLINE_MS = 15_000

export interface ReseedOptions {
  docker: ContainerAccess
  services: readonly ServiceSpec[]
  containerIds: Readonly<Record<string, string | undefined>>
  seed: string
  warn: (message: string, fields: Record<string, unknown>) => void
}

/** Reseeds what can be reseeded live; returns the names of the services to recreate. */
export async function reseedServices(options: ReseedOptions): Promise<string[]> {
  const recreate: string[] = []
  await Promise.all(
    options.services.map(async (service) => {
      const containerId = options.containerIds[service.name]
      if (!service.reseed || !containerId || !(await reseedOne(options, service, containerId)))
        recreate.push(service.name)
    }),
  )
  return recreate.sort()
}

async function reseedOne(
  options: ReseedOptions,
  service: ServiceSpec,
  containerId: string,
): Promise<boolean> {
  const output: Buffer[] = []
  try {
    const result = await execCapture({
      docker: options.docker,
      containerId,
      cmd: service.reseed!,
      env: { ACADEMY_SEED: options.seed },
      deadlineMs: RESEED_DEADLINE_MS,
      onOutput: (_stream, chunk) => void output.push(chunk),
    })
    if (result.exitCode === 0) return true
    options.warn('reseed command failed; recreating the service', {
      service: service.name,
      exitCode: result.exitCode,
      output: Buffer.concat(output).toString('utf8').slice(0, 500),
    })
  } catch (error) {
    options.warn('reseed command failed; recreating the service', {
      service: service.name,
      error: dockerErrorMessage(error),
    })
  }
  return false
}
