// Pushes built sandbox images to an image registry, so that other Docker engines (the nodes of
// a cluster) can pull exactly the images this checkout built: each goes up under its content-hash
// tag, `<registry>/<repository>/<name>:<hash>`, never as `latest`, so a node can't run a stale one.
import type { ImageOutcome } from './build-images'
import { docker, tagImage } from './docker-cli'

export type RegistryAddress = { ok: true; registry: string } | { ok: false; message: string }

// A registry is named as Docker names one in an image reference: a host (name or IPv4) and an
// optional port. Schemes and paths are refused early, with the form Docker expects.
const REGISTRY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::(\d{1,5}))?$/

export function parseRegistry(value: string | undefined): RegistryAddress {
  const example = 'e.g. --push 127.0.0.1:5000 or --push registry.example.org:5000'
  if (value === undefined || value === '' || value.startsWith('-')) {
    return { ok: false, message: `--push needs a registry address (${example}).` }
  }
  const match = REGISTRY.exec(value)
  const port = match?.[1] === undefined ? undefined : Number(match[1])
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    return {
      ok: false,
      message: `"${value}" is not a registry address: give a host and optional port, without a scheme or path (${example}).`,
    }
  }
  return { ok: true, registry: value }
}

/** `helix-academy/redis:0d11f24b0283` pushed to `127.0.0.1:5000` → `127.0.0.1:5000/helix-academy/redis:0d11f24b0283`. */
export function registryReference(registry: string, tag: string): string {
  return `${registry}/${tag}`
}

export type PushEvent =
  { kind: 'start'; reference: string } | { kind: 'done'; reference: string; seconds: number }

export type PushResult =
  { ok: true; references: string[] } | { ok: false; message: string; references: string[] }

export async function pushImages(
  images: readonly ImageOutcome[],
  registry: string,
  onProgress: (event: PushEvent) => void = () => {},
): Promise<PushResult> {
  const references: string[] = []
  for (const image of images) {
    const reference = registryReference(registry, image.tag)
    onProgress({ kind: 'start', reference })
    const started = Date.now()
    await tagImage(image.tag, reference)
    const pushed = await docker(['push', reference], { timeoutMs: 15 * 60_000 })
    // The registry tag was only the push's address; the local image keeps its own tags.
    await docker(['image', 'rm', reference], { timeoutMs: 30_000 })
    if (pushed.code !== 0) {
      const reason = pushed.stderr.trim().split('\n').pop() || `docker push exited with ${pushed.code}`
      return {
        ok: false,
        references,
        message:
          `Pushing ${reference} failed: ${reason}\n` +
          `Is the registry running and reachable from this Docker engine? A registry that is not on ` +
          `127.0.0.0/8 must serve TLS, or be listed in the engine's "insecure-registries".`,
      }
    }
    references.push(reference)
    onProgress({ kind: 'done', reference, seconds: (Date.now() - started) / 1000 })
  }
  return { ok: true, references }
}
