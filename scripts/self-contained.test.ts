// A clone of this repository alone (what a user has) must run its tests and scripts: no code may
// read a file beside the checkout, such as the outline the course was seeded from.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
// Built from parts so this file does not match itself.
const outsidePath = ['(\\.\\./)+', 'shared/'].join('')

describe('the repository is self-contained', () => {
  it('no source, test, config or script refers to a shared folder beside the checkout', () => {
    // git grep exits 1 when nothing matches; prose (*.md) may mention where things came from.
    let hits = ''
    try {
      hits = execFileSync('git', ['grep', '-nE', outsidePath, '--', '.', ':!*.md'], {
        cwd: root,
        encoding: 'utf8',
      })
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error
    }
    expect(hits).toBe('')
  })
})
