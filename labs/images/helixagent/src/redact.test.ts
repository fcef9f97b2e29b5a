import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Logger } from './logger'
import { redact } from './redact'

describe('redact', () => {
  it('redacts api_key, password and token at any depth and in any case', () => {
    const input = {
      api_key: 'sk-1',
      user: 'helixagent',
      nested: { PASSWORD: 'p', list: [{ Token: 't', keep: 1 }, 'plain'], deeper: { x: { Api_Key: 'sk-2' } } },
    }
    expect(redact(input)).toEqual({
      api_key: '[REDACTED]',
      user: 'helixagent',
      nested: {
        PASSWORD: '[REDACTED]',
        list: [{ Token: '[REDACTED]', keep: 1 }, 'plain'],
        deeper: { x: { Api_Key: '[REDACTED]' } },
      },
    })
    // The input is not mutated: the running config keeps its keys.
    expect(input.api_key).toBe('sk-1')
  })

  it('redacts a whole object stored under a sensitive key and survives cycles', () => {
    const cyclic: Record<string, unknown> = { token: { value: 'secret' } }
    cyclic.self = cyclic
    expect(redact(cyclic)).toEqual({ token: '[REDACTED]', self: '[Circular]' })
  })
})

describe('Logger', () => {
  it('writes JSON lines with level, RFC 3339 ts, msg, trace_id, instance, redacted fields, to stdout and the file', async () => {
    const lines: string[] = []
    const logger = Logger.create({
      instance: 'helixagent-1',
      level: 'info',
      stdout: { write: (line) => void lines.push(line) },
    })
    const dir = mkdtempSync(path.join(tmpdir(), 'helixagent-log-'))
    const file = path.join(dir, 'sub', 'helixagent.log')
    logger.setFile(file)
    logger
      .withTrace('4bf92f3577b34da6a3ce929d0e0e4736')
      .info('provider configured', { provider: { id: 'claude', api_key: 'sk-secret' }, password: 'pw' })
    logger.debug('hidden at info')
    await logger.close()
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>
    expect(Object.keys(entry).slice(0, 5)).toEqual(['level', 'ts', 'msg', 'trace_id', 'instance'])
    expect(entry).toMatchObject({
      level: 'info',
      msg: 'provider configured',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      instance: 'helixagent-1',
      password: '[REDACTED]',
      provider: { id: 'claude', api_key: '[REDACTED]' },
    })
    expect(String(entry.ts)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/)
    expect(lines[0]).not.toContain('sk-secret')
    expect(readFileSync(file, 'utf8')).toBe(lines[0])
    rmSync(dir, { recursive: true, force: true })
  })

  it('changes level for children too (a reload applies everywhere)', () => {
    const lines: string[] = []
    const logger = Logger.create({
      instance: 'i',
      level: 'warn',
      stdout: { write: (line) => void lines.push(line) },
    })
    const child = logger.withTrace('abc')
    child.info('dropped')
    logger.setLevel('debug')
    child.debug('kept')
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['kept'])
  })
})
