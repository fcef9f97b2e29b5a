import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { originProof, proofFor } from './proof'

describe('origin proof', () => {
  it('is the HMAC of nonce and instance under the control token', () => {
    const expected = createHmac('sha256', 'tok').update('nonce-123:helixagent-2').digest('hex')
    expect(proofFor('tok', 'nonce-123', 'helixagent-2')).toBe(expected)
  })

  it('differs per instance and per token, so one instance cannot stand in for another', () => {
    expect(originProof('tok', 'nonce-123', 'helixagent-1')).not.toBe(
      originProof('tok', 'nonce-123', 'helixagent-2'),
    )
    expect(originProof('other', 'nonce-123', 'helixagent-1')).not.toBe(
      originProof('tok', 'nonce-123', 'helixagent-1'),
    )
  })

  it('answers nothing without a token or with a malformed nonce', () => {
    expect(proofFor(null, 'nonce-123', 'helixagent-1')).toBeNull()
    expect(proofFor('tok', undefined, 'helixagent-1')).toBeNull()
    expect(proofFor('tok', ['a', 'b'], 'helixagent-1')).toBeNull()
    expect(proofFor('tok', 'short', 'helixagent-1')).toBeNull()
    expect(proofFor('tok', 'has space in it', 'helixagent-1')).toBeNull()
  })
})
