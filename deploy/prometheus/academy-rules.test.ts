// The operators' alert rules pass Prometheus' own tools: `promtool check rules` (syntax, PromQL)
// and `promtool test rules` (academy-rules.test.yml: each alert fires when it should, not before).
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const dir = import.meta.dirname

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' })
  expect(run.error, 'promtool must be installed (Debian: apt-get install prometheus)').toBeUndefined()
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('deploy/prometheus/academy-rules.yml', () => {
  it('is valid PromQL with every alert named', () => {
    const check = promtool('check', 'rules', 'academy-rules.yml')
    expect(check.output).toContain('SUCCESS: 9 rules found')
    expect(check.status).toBe(0)
  })

  it('passes its promtool unit tests', () => {
    const test = promtool('test', 'rules', 'academy-rules.test.yml')
    expect(test.output).toContain('SUCCESS')
    expect(test.status).toBe(0)
  })
})
