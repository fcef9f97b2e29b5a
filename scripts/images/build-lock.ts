// One image build at a time per data folder: parallel test workers (or an operator and CI)
// would otherwise stage the same build context and run the same bundle step concurrently.
import { mkdir, open, readFile, rm } from 'node:fs/promises'
import path from 'node:path'

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function withBuildLock<T>(
  dataDir: string,
  work: () => Promise<T>,
  waitMs = 3_600_000,
): Promise<T> {
  const lockFile = path.join(dataDir, 'images', 'build.lock')
  await mkdir(path.dirname(lockFile), { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10)
      // A lock left by a process that died (or a half-written one) is taken over.
      if (!Number.isInteger(holder) || !processAlive(holder)) {
        await rm(lockFile, { force: true })
        continue
      }
      if (Date.now() - started > waitMs)
        throw new Error(`image build lock ${lockFile} still held by pid ${holder}`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    return await work()
  } finally {
    await rm(lockFile, { force: true })
  }
}
