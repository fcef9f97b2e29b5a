// The slice of SandboxRef that the exec layer, terminals, files and faults need. Structural, so a full
// SandboxRef (lab-runner/src/sandboxes/sandbox-registry.ts) is accepted as is, and tests
// can describe containers they started themselves.
export interface SandboxHost {
  containerId: string
  ip: string
}

export interface SandboxHostsView {
  id: string
  hosts: Readonly<Record<string, SandboxHost>>
}

/** Looks a host up by service name; `undefined` when the sandbox has no such host. */
export function findSandboxHost(sandbox: SandboxHostsView, host: string): SandboxHost | undefined {
  // Own properties only: a host called "constructor" must not resolve to Object.prototype.
  return Object.hasOwn(sandbox.hosts, host) ? sandbox.hosts[host] : undefined
}

export function unknownHostMessage(sandbox: SandboxHostsView, host: string): string {
  const known = Object.keys(sandbox.hosts).sort().join(', ') || '(none)'
  return `sandbox ${sandbox.id} has no host "${host}"; its hosts are: ${known}`
}
