// The idle warning and the status bar's two clocks, rendered as the lab page renders them.
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { IdleWarning } from './idle-warning'
import { SandboxClocks } from './sandbox-clocks'

const warning = (idleSecondsLeft: number, labSecondsLeft = 90 * 60) =>
  renderToStaticMarkup(
    <IdleWarning
      labSlug="ha-setup"
      idleSecondsLeft={idleSecondsLeft}
      labSecondsLeft={labSecondsLeft}
      idleTimeoutS={30 * 60}
      onKept={async () => {}}
    />,
  )

describe('idle warning', () => {
  it('appears in the last five minutes before an idle shutdown, with a button that keeps the lab', () => {
    expect(warning(5 * 60 + 1)).toBe('')
    const html = warning(4 * 60 + 5)
    expect(html).toContain('data-testid="idle-warning"')
    expect(html).toContain('4:05')
    expect(html).toContain('nothing has happened in it for 26 minutes')
    expect(html).toContain('Keep my lab')
  })

  it('stays away when the lab’s own time limit ends the sandbox first, or when it is already gone', () => {
    expect(warning(4 * 60, 3 * 60)).toBe('')
    expect(warning(0)).toBe('')
  })
})

describe('status clocks', () => {
  it('names the idle clock and the lab clock apart', () => {
    const html = renderToStaticMarkup(<SandboxClocks idleSecondsLeft={30 * 60} labSecondsLeft={120 * 60} />)
    expect(html).toContain('Idle shutdown in 30:00')
    expect(html).toContain('Lab time left 2 h 0 min')
  })

  it('shows only the lab clock when the time limit comes before any idle shutdown', () => {
    const html = renderToStaticMarkup(<SandboxClocks idleSecondsLeft={30 * 60} labSecondsLeft={10 * 60} />)
    expect(html).not.toContain('Idle shutdown')
    expect(html).toContain('Lab time left 10:00')
  })
})
