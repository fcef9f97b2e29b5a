import { loadConfigFile, type HelixConfig } from './config'
import { err, ok, type Result } from './result'

/**
 * The running configuration. `reload` swaps it only when the new file is valid, so a typo
 * during an incident never takes the service down with it.
 */
export class ConfigHolder {
  private config: HelixConfig
  private loadedAtMs: number
  private readonly listeners: Array<(next: HelixConfig, previous: HelixConfig) => void> = []

  constructor(
    initial: HelixConfig,
    private readonly load: () => Result<HelixConfig> = () => err('no config file to reload from'),
  ) {
    this.config = initial
    this.loadedAtMs = Date.now()
  }

  static fromFile(path: string): Result<ConfigHolder> {
    const loaded = loadConfigFile(path)
    if (!loaded.ok) return loaded
    return ok(new ConfigHolder(loaded.value, () => loadConfigFile(path)))
  }

  get current(): HelixConfig {
    return this.config
  }

  get loadedAt(): Date {
    return new Date(this.loadedAtMs)
  }

  onChange(listener: (next: HelixConfig, previous: HelixConfig) => void): void {
    this.listeners.push(listener)
  }

  reload(): Result<{ config: HelixConfig; restartRequired: string[] }> {
    const loaded = this.load()
    if (!loaded.ok) return loaded
    const previous = this.config
    this.config = loaded.value
    this.loadedAtMs = Date.now()
    for (const listener of this.listeners) listener(this.config, previous)
    // These are bound once at start-up (listen socket, connection pools).
    const restartRequired: string[] = []
    if (previous.server.port !== loaded.value.server.port) restartRequired.push('server.port')
    if (previous.server.host !== loaded.value.server.host) restartRequired.push('server.host')
    if (JSON.stringify(previous.database) !== JSON.stringify(loaded.value.database))
      restartRequired.push('database')
    if (JSON.stringify(previous.redis) !== JSON.stringify(loaded.value.redis)) restartRequired.push('redis')
    return ok({ config: this.config, restartRequired })
  }
}
