// Label keys carried by every Docker resource of a sandbox. They are the runner's only
// state: a restarted runner rebuilds its registry from them.
export const LABEL = {
  managed: 'academy.managed',
  /** Which runner instance owns the resource, so runners (and test runs) sharing an engine leave each other alone. */
  runner: 'academy.runner',
  sandbox: 'academy.sandbox',
  owner: 'academy.owner',
  lab: 'academy.lab',
  expiresAt: 'academy.expires-at',
  createdAt: 'academy.created-at',
  host: 'academy.host',
  seed: 'academy.seed',
  /** On the network only: base64 JSON of the sandbox variables (secrets included). */
  variables: 'academy.variables',
  /** Marks the empty volumes that record extensions (labels cannot change after creation). */
  kind: 'academy.kind',
} as const

export const EXTENSION_KIND = 'extension'
/**
 * Marks the empty volume created once a sandbox finished provisioning (services up, setup hook
 * done). Only sandboxes with one are re-adopted as ready; a reset removes it and writes it again.
 */
export const PROVISIONED_KIND = 'provisioned'
