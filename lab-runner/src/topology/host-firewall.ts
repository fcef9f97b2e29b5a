// Docker drops traffic *forwarded* out of an internal network, but packets addressed to the
// host itself (the bridge's gateway IP, or any other host address) go through INPUT, which
// Docker leaves open: a sandbox could reach every host service listening on 0.0.0.0.
// Sandbox bridges are named `hxa<hex>` (see docker-driver.ts), so one INPUT rule covers all
// of them: new connections from a sandbox to the host are dropped; replies to connections
// the runner opened (terminal proxying, service tabs) still pass.
//
// IPv6: sandbox networks have no IPv6 addresses (EnableIPv6 false), but every container still
// gets a link-local fe80:: address and can reach the bridge's own link-local address, that is
// the host's services listening on `::`. Docker 20.10 writes no ip6tables rules, so the same
// INPUT rule goes into ip6tables whenever the host has IPv6.
//
// Fails closed: the registry refuses to start sandboxes until both rules are in place (see
// decision 017), unless the operator sets the development-only override.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
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

export type FirewallResult = { ok: true; added: string[] } | { ok: false; message: string }

export interface FirewallOptions {
  /** Whether the host has an IPv6 stack (default: /proc/net/if_inet6 exists). */
  ipv6?: boolean
  /** The commands to run; tests point one at a missing binary to see the runner refuse. */
  iptables?: string
  ip6tables?: string
}

/** Idempotent: checks for each rule (`-C`) before inserting it at the top of INPUT. */
export async function ensureHostFirewall(options: FirewallOptions = {}): Promise<FirewallResult> {
  const ipv6 = options.ipv6 ?? existsSync('/proc/net/if_inet6')
  const tools = [options.iptables ?? 'iptables', ...(ipv6 ? [options.ip6tables ?? 'ip6tables'] : [])]
  const added: string[] = []
  for (const tool of tools) {
    const result = await ensureRule(tool)
    if (!result.ok) {
      return {
        ok: false,
        message: `could not add the host firewall rule with ${tool} (${result.problem}); without it sandboxes could reach services listening on the host's addresses, so no sandbox starts. Run the runner as root with iptables${ipv6 ? ' and ip6tables' : ''} installed (for development only, RUNNER_UNSAFE_NO_FIREWALL=1 starts sandboxes anyway).`,
      }
    }
    if (result.added) added.push(tool)
  }
  return { ok: true, added }
}

async function ensureRule(
  tool: string,
): Promise<{ ok: true; added: boolean } | { ok: false; problem: string }> {
  try {
    await run(tool, ['-w', '5', '-C', ...RULE])
    return { ok: true, added: false }
  } catch {
    // -C exits non-zero when the rule is missing (or the tool is unusable: find out below).
  }
  try {
    await run(tool, ['-w', '5', '-I', ...RULE])
    return { ok: true, added: true }
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    return { ok: false, problem: stderr || (error as Error).message }
  }
}
