// The runner's one error type at the HTTP boundary; a single wrapper (router.ts) turns it
// into `{ error: { code, message, issues? } }` with its status.
import type { ServerResponse } from 'node:http'
import type { FieldIssue } from '../../../contracts/lab-definition'
import type { RunnerErrorBody, RunnerErrorCode } from '../../../contracts/runner-api'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: RunnerErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

export function sendError(res: ServerResponse, error: HttpError): void {
  const body: RunnerErrorBody = {
    error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  }
  sendJson(res, error.status, body)
}

/** Maps the registry's typed failure codes to HTTP statuses. */
export const statusForCode: Partial<Record<RunnerErrorCode, number>> = {
  'not-found': 404,
  'unknown-lab': 404,
  'host-unknown': 404,
  'extension-limit': 409,
  'not-ready': 409,
  'engine-unavailable': 503,
  'isolation-unavailable': 503,
}
