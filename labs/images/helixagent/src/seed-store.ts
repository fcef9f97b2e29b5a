import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The sandbox seed (it nudges provider scores and latencies per learner). A warm-pool sandbox
 * starts with a seed nobody has and takes its learner's on claim, through the control port,
 * without a restart. The file keeps that seed for the container's later restarts (a crash-loop
 * fault, `docker restart`), where the environment still holds the pool's.
 */
export function initialSeed(envSeed: string, seedFile: string | null): string {
  if (seedFile === null) return envSeed
  try {
    return readFileSync(seedFile, 'utf8').trim() || envSeed
  } catch {
    return envSeed
  }
}

export function keepSeed(seedFile: string | null, seed: string): void {
  if (seedFile === null) return
  mkdirSync(path.dirname(seedFile), { recursive: true })
  // Write-then-rename: a crash mid-write never leaves half a seed behind.
  const temporary = `${seedFile}.${process.pid}.tmp`
  writeFileSync(temporary, `${seed}\n`, { mode: 0o600 })
  renameSync(temporary, seedFile)
}
