// How the runner reaches a port of a sandbox service for HTTP (service tabs, dashboard queries).
// On one engine the runner's machine is on every sandbox bridge and connects to the container's
// address; a Swarm's overlay networks are not on the runner's machine, so that engine tunnels
// through the node's Engine API instead (engine/swarm/exec-tunnel.ts).
import type { RequestOptions } from 'node:http'
import type { SandboxHost } from '../exec/sandbox-host'

/** The part of `http.request`'s options that says where the connection goes. */
export type UpstreamOptions = Pick<RequestOptions, 'host' | 'port' | 'createConnection'>

export type Reach = (host: SandboxHost, port: number) => UpstreamOptions

export const reachDirectly: Reach = (host, port) => ({ host: host.ip, port })
