'use client'
// The lab page's calls to the web app's /api/labs routes (JSON both ways).

export class LabApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'LabApiError'
  }
}

export async function labApi<T>(labSlug: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return jsonApi<T>(`/api/labs/${encodeURIComponent(labSlug)}/${path}`, init)
}

/** A JSON call to one of the web app's route handlers; non-2xx answers throw `LabApiError`. */
export async function jsonApi<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST')
  const res = await fetch(url, {
    method,
    ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body ?? {}) }),
    cache: 'no-store',
  })
  const json = (await res.json().catch(() => ({}))) as { error?: string }
  if (!res.ok) throw new LabApiError(res.status, json.error ?? `The request failed (HTTP ${res.status}).`)
  return json as T
}
