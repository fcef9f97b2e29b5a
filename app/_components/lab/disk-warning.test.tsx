// The lab page's disk notice, from the watchdog's status as the server passes it through.
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { diskStatus } from '@/lab-runner/src/sandboxes/disk-usage'
import { DiskWarning, diskNotice } from './disk-warning'

const MIB = 1024 * 1024
const at = new Date('2026-12-03T09:00:00Z')

describe('disk warning', () => {
  it('says nothing below 80 % or before the first measurement', () => {
    expect(diskNotice(null)).toBeNull()
    expect(diskNotice(diskStatus(79 * MIB, 100 * MIB, [], at))).toBeNull()
    expect(renderToStaticMarkup(<DiskWarning disk={null} />)).toBe('')
  })

  it('warns from 80 % with the runner’s message, as a status notice', () => {
    const notice = diskNotice(diskStatus(80 * MIB, 100 * MIB, [], at))
    expect(notice?.level).toBe('warning')
    expect(notice?.text).toContain('80 %')
    const html = renderToStaticMarkup(<DiskWarning disk={diskStatus(85 * MIB, 100 * MIB, [], at)} />)
    expect(html).toContain('role="status"')
    expect(html).toContain('85 %')
  })

  it('alerts once a host was stopped at 100 %, saying which and how to reset', () => {
    const disk = diskStatus(100 * MIB, 100 * MIB, ['lb'], at)
    const html = renderToStaticMarkup(<DiskWarning disk={disk} />)
    expect(html).toContain('role="alert"')
    expect(html).toContain('&quot;lb&quot; was stopped')
    expect(html).toContain('Reset the lab')
    // Still told after the learner freed space below the warning line: the host stays stopped.
    expect(diskNotice(diskStatus(10 * MIB, 100 * MIB, ['lb'], at))?.level).toBe('over')
  })

  it('words the notice itself when an older runner sends no message', () => {
    const base = { usedBytes: 90 * MIB, budgetBytes: 100 * MIB, measuredAt: at.toISOString() }
    expect(diskNotice({ ...base, level: 'warning', stoppedHosts: [] })?.text).toContain('90 %')
    const stopped = diskNotice({ ...base, level: 'over', stoppedHosts: ['web1', 'db'] })
    expect(stopped?.text).toContain('"web1", "db" was stopped')
    expect(stopped?.text).toContain('Reset the lab')
  })
})
