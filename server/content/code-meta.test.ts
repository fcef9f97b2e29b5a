import { describe, expect, it } from 'vitest'
import { parseCodeMeta } from './code-meta'

describe('parseCodeMeta', () => {
  it('reads title, highlighted lines and run', () => {
    const meta = parseCodeMeta('title="backup.sh" {1,3-5} run')
    expect(meta.title).toBe('backup.sh')
    expect([...meta.highlight]).toEqual([1, 3, 4, 5])
    expect(meta.run).toBe(true)
  })
  it('does not mistake a title containing "run" for the run flag', () => {
    expect(parseCodeMeta('title="run the backup"').run).toBe(false)
  })
  it('handles empty meta', () => {
    expect(parseCodeMeta(undefined)).toEqual({ highlight: new Set(), run: false })
  })
})
