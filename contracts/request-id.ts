// One id per web request, carried from the web app into the lab-runner in this header so both
// processes' log lines can be joined (docs/decisions/027-request-ids-and-status-page.md).
export const REQUEST_ID_HEADER = 'x-request-id'

/** What a proxy or the web app may send as an id; anything else is replaced by a new one. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{8,128}$/

/** The sender's id when it is trusted and well formed, else a new UUID. */
export function chooseRequestId(sent: string | string[] | undefined, trusted: boolean): string {
  const value = Array.isArray(sent) ? sent[0] : sent
  return trusted && value && ACCEPTABLE_ID.test(value) ? value : globalThis.crypto.randomUUID()
}
