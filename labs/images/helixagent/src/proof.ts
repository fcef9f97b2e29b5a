import { createHmac } from 'node:crypto'

/**
 * Proof of origin for graders: a request carrying `x-academy-challenge: <nonce>` is answered
 * with `x-helixagent-proof: hex(HMAC-SHA256(control token, "<nonce>:<instance id>"))`. Only the
 * instances and the grader hold the control token, so a load balancer the learner configures
 * cannot fake an answer "from helixagent-2": the grader picks a fresh nonce per request and
 * accepts only a proof one of the real instances computed.
 */
export const CHALLENGE_HEADER = 'x-academy-challenge'
export const PROOF_HEADER = 'x-helixagent-proof'

const NONCE = /^[A-Za-z0-9_-]{8,128}$/

export function originProof(token: string, nonce: string, instanceId: string): string {
  return createHmac('sha256', token).update(`${nonce}:${instanceId}`).digest('hex')
}

/** The proof header's value for a request, or null (no token configured, no or malformed nonce). */
export function proofFor(
  token: string | null,
  challenge: string | string[] | undefined,
  instanceId: string,
): string | null {
  if (token === null || typeof challenge !== 'string' || !NONCE.test(challenge)) return null
  return originProof(token, challenge, instanceId)
}
