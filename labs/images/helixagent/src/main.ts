import { parseArgs } from 'node:util'
import { ConfigHolder } from './config-holder'
import { readEnv } from './env'
import { startService } from './service'
import { HELIXAGENT_VERSION } from './version'

/** `helixagent serve [--config PATH]`: the service entry point of the image. */
function fatal(msg: string, error: string): never {
  process.stderr.write(`${JSON.stringify({ level: 'error', ts: new Date().toISOString(), msg, error })}\n`)
  process.exit(2)
}

const { values, positionals } = parseArgs({
  options: { config: { type: 'string' } },
  allowPositionals: true,
  strict: false,
})
if (positionals[0] === 'version') {
  process.stdout.write(`helixagent ${HELIXAGENT_VERSION}\n`)
  process.exit(0)
}
const env = readEnv(process.env, {
  configPath: typeof values.config === 'string' ? values.config : undefined,
})
if (!env.ok) fatal('invalid environment', env.error)
const config = ConfigHolder.fromFile(env.value.configPath)
if (!config.ok) fatal('invalid configuration', config.error)

const service = await startService({ config: config.value, env: env.value }).catch((cause: unknown) =>
  fatal('could not start', cause instanceof Error ? cause.message : String(cause)),
)

process.on('SIGHUP', () => {
  const reloaded = config.value.reload()
  if (reloaded.ok) {
    service.logger.info('config reloaded (SIGHUP)', { restart_required: reloaded.value.restartRequired })
    void service.verifier.verifyAll()
  } else service.logger.error('config reload rejected; keeping the running config', { error: reloaded.error })
})
let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    service.logger.info('shutting down', { signal })
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    void service.stop().then(() => process.exit(0))
  })
}
