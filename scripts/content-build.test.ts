import { spawnSync } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'academy-content-build-'))
  await cp(path.join(root, 'content'), path.join(dir, 'content'), { recursive: true })
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const build = () =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/content-build.ts', path.join(dir, 'content')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  })

describe('npm run content:build', () => {
  it('fails the build on invalid frontmatter, naming the file and the field', async () => {
    const runbook = path.join(dir, 'content/runbooks/on-call-escalation.mdx')
    const original = await readFile(runbook, 'utf8')
    await writeFile(runbook, original.replace(/^kind: policy$/m, 'kind: poem'))
    const result = build()
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('content/runbooks/on-call-escalation.mdx')
    expect(result.stderr).toContain('kind:')
    await writeFile(runbook, original)
  })

  it('fails on MDX that does not compile, naming the file', async () => {
    const page = path.join(dir, 'content/courses/production-operations/pages/resources.mdx')
    const original = await readFile(page, 'utf8')
    await writeFile(page, `${original}\n\n<Callout type="note">never closed\n`)
    const result = build()
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('pages/resources.mdx')
    expect(result.stderr).toContain('MDX does not compile')
    await writeFile(page, original)
  }, 60_000)
})
