import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestSandbox, ensureTestImage, type TestSandbox } from '../terminal/test-support/test-sandbox'
import { createFeedbackParser, runScript } from './run-script'

let sandbox: TestSandbox

beforeAll(async () => {
  ensureTestImage()
  sandbox = await createTestSandbox(['grader', 'workstation'])
})
afterAll(async () => {
  await sandbox?.remove()
})

describe('runScript', () => {
  it('passes on exit 0 and passes env vars through', async () => {
    const result = await runScript({
      docker: sandbox.docker,
      sandbox,
      script: 'echo "seed=$HELIX_SEED"; echo to-stderr >&2; exit 0',
      timeoutS: 10,
      env: { HELIX_SEED: 'abc123' },
    })
    expect(result.passed).toBe(true)
    expect(result.exitCode).toBe(0)
    expect(result.timedOut).toBe(false)
    expect(result.output).toContain('seed=abc123')
    expect(result.output).toContain('to-stderr')
    expect(result.durationMs).toBeGreaterThan(0)
  })

  it('turns FAIL:/HINT: lines into feedback and fails on a non-zero exit', async () => {
    const result = await runScript({
      docker: sandbox.docker,
      sandbox,
      host: 'workstation',
      user: 'learner',
      script:
        'whoami\necho "FAIL: replica is not streaming"\necho "HINT:  check pg_stat_replication "\necho "not FAIL: this"\nexit 3',
      timeoutS: 10,
    })
    expect(result.passed).toBe(false)
    expect(result.exitCode).toBe(3)
    expect(result.output).toContain('learner')
    expect(result.feedback).toEqual({
      fail: ['replica is not streaming'],
      hint: ['check pg_stat_replication'],
    })
  })

  it('kills a script that outlives its timeout', async () => {
    const result = await runScript({
      docker: sandbox.docker,
      sandbox,
      script: 'echo started; sleep 100',
      timeoutS: 2,
    })
    expect(result.timedOut).toBe(true)
    expect(result.passed).toBe(false)
    expect(result.output).toContain('started')
    expect(result.durationMs).toBeLessThan(4_000)
    // The whole process group is gone, not only bash.
    const leftovers = await runScript({
      docker: sandbox.docker,
      sandbox,
      script: 'pgrep -f "sleep 10[0]" || true',
      timeoutS: 5,
    })
    expect(leftovers.output.trim()).toBe('')
  })

  it('caps the output and still finds the verdict at the end', async () => {
    const result = await runScript({
      docker: sandbox.docker,
      sandbox,
      script: 'head -c 1000000 /dev/zero | tr "\\0" x; echo; echo "FAIL: too chatty"; exit 1',
      timeoutS: 10,
      maxOutputBytes: 64 * 1024,
    })
    expect(result.output.length).toBeLessThan(64 * 1024 + 100)
    expect(result.output).toMatch(/\[truncated: \d+ more bytes of output\]$/)
    expect(result.feedback.fail).toEqual(['too chatty'])
  })

  it('reports an unknown host as a result, not an exception', async () => {
    const result = await runScript({
      docker: sandbox.docker,
      sandbox,
      host: 'nope',
      script: 'true',
      timeoutS: 5,
    })
    expect(result.passed).toBe(false)
    expect(result.error?.code).toBe('host-unknown')
    expect(result.error?.message).toContain('grader, workstation')
  })
})

describe('createFeedbackParser', () => {
  it('joins lines split across chunks, including multi-byte characters', () => {
    const parser = createFeedbackParser()
    const bytes = Buffer.from('FAIL: café down\nHI')
    parser.push(bytes.subarray(0, 10))
    parser.push(bytes.subarray(10))
    parser.push(Buffer.from('NT: try again'))
    expect(parser.finish()).toEqual({ fail: ['café down'], hint: ['try again'] })
  })
})
