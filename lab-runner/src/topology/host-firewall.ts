// Docker drops traffic *forwarded* out of an internal network, but packets addressed to the
// host itself (the bridge's gateway IP, or any other host address) go through INPUT, which
// Docker leaves open: a sandbox could reach every host service listening on 0.0.0.0.
// Sandbox bridges are named `hxa<hex>` (see docker-driver.ts), so one INPUT rule covers all
// of them: new connections from a sandbox to the host are dropped; replies to connections
// the runner opened (terminal proxying, service tabs) still pass.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

export const SANDBOX_BRIDGE_PREFIX = 'hxa'

const RULE = [
  'INPUT',
  '-i',
  `${SANDBOX_BRIDGE_PREFIX}+`,
  '-m',
  'conntrack',
  '!',
  '--ctstate',
  'ESTABLISHED,RELATED',
  '-m',
  'comment',
  '--comment',
  'helix-academy: sandboxes may not open connections to the host',
  '-j',
  'DROP',
]

export type FirewallResult = { ok: true; added: boolean } | { ok: false; message: string }

/** Idempotent: checks for the rule (`-C`) before inserting it at the top of INPUT. */
export async function ensureHostFirewall(): Promise<FirewallResult> {
  try {
    await run('iptables', ['-w', '5', '-C', ...RULE])
    return { ok: true, added: false }
  } catch {
    // -C exits non-zero when the rule is missing (or iptables is unusable: find out below).
  }
  try {
    await run('iptables', ['-w', '5', '-I', ...RULE])
    return { ok: true, added: true }
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    return {
      ok: false,
      message: `could not add the host firewall rule (${stderr || (error as Error).message}); sandboxes can reach services listening on the host's addresses. Run the runner as root with iptables installed.`,
    }
  }
}
