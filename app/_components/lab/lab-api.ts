'use client'
// The lab page's calls to the web app's /api/labs routes (JSON both ways). What each route
// answers is the server's own result type, imported as a type only (no server code in the
// browser bundle): a change on the server is a type error here.
import type { LabState } from '@/server/labs/get-lab-state'
import type { CheckOutcome } from '@/server/labs/run-check'
import type { extendLab, openServiceTab } from '@/server/labs/sandbox-actions'
import type { StartLabOutcome } from '@/server/labs/start-lab'

export type { CheckOutcome, LabState }
export type StartOutcome = StartLabOutcome
export type ServiceTab = Awaited<ReturnType<typeof openServiceTab>>
/** Extend answers the new limits; Reset and End answer `{ ok: true }` (a handler returning nothing). */
export type LabActionResult = Awaited<ReturnType<typeof extendLab>> | { ok: true }

export class LabApiError extends Error {
  constructor(
    /** The HTTP status, or 0 when no answer arrived at all. */
    readonly status: number,
    message: string,
    /** On a 429: seconds until the server accepts the request again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'LabApiError'
  }
}

const UNREACHABLE_MESSAGE =
  'Could not reach Helix Academy: the connection dropped or the network changed. Check your connection and try again.'

/** Waits before the 1st and 2nd repeat of a request that got no answer. */
const RETRY_DELAYS_MS = [300, 1000]

export interface ApiCall {
  method?: string
  body?: unknown
  /**
   * Repeat the request when no answer arrived. The default is yes for GET, PUT and DELETE (sending
   * them twice does no harm) and no for POST; a POST whose handler is safe to repeat says so.
   */
  retry?: boolean
}

export async function labApi<T>(labSlug: string, path: string, init: ApiCall = {}): Promise<T> {
  return jsonApi<T>(`/api/labs/${encodeURIComponent(labSlug)}/${path}`, init)
}

/** A JSON call to one of the web app's route handlers; non-2xx answers throw `LabApiError`. */
export async function jsonApi<T>(url: string, init: ApiCall = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST')
  const retry = init.retry ?? method !== 'POST'
  const res = await fetchWithRetry(
    url,
    {
      method,
      ...(method === 'GET'
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body ?? {}) }),
      cache: 'no-store',
    },
    retry,
  )
  const json = (await res.json().catch(() => ({}))) as { error?: string; retryAfterSeconds?: number }
  if (!res.ok) {
    throw new LabApiError(
      res.status,
      json.error ?? `The request failed (HTTP ${res.status}).`,
      json.retryAfterSeconds,
    )
  }
  return json as T
}

// fetch() rejects only when no HTTP answer arrived: offline, connection refused, or the browser
// dropping requests because the machine's network changed (Chromium's ERR_NETWORK_CHANGED, which
// a Docker host creating sandbox networks provokes). Those are worth a second try; HTTP errors are not.
async function fetchWithRetry(url: string, request: RequestInit, retry: boolean): Promise<Response> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetch(url, request)
    } catch {
      const delay = retry ? RETRY_DELAYS_MS[attempt] : undefined
      if (delay === undefined) throw new LabApiError(0, UNREACHABLE_MESSAGE)
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/**
 * A fresh idempotency key (one per Check press). From getRandomValues, which browsers offer on
 * plain-HTTP installs too, where crypto.randomUUID is missing.
 */
export function newRequestKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
