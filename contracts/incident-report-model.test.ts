import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  MISSING,
  checkIncidentReport,
  emptyIncidentReport,
  incidentFileName,
  parseIncidentMarkdown,
  renderIncidentMarkdown,
  type IncidentReportFields,
} from './incident-report-model'

const filledReport = (): IncidentReportFields => ({
  incidentId: 'INCIDENT-0042',
  title: 'Degraded chat completions from provider deepseek',
  severity: 'P2',
  duration: '2026-03-14 14:02 - 14:47 UTC',
  impact: '18% of /v1/chat/completions requests failed with 502',
  timeline: [
    { time: '14:05', event: 'ProviderDegraded alert triggered' },
    { time: '14:09', event: 'On-call acknowledged' },
    { time: '14:21', event: 'Root cause identified: rate limit | 429 from deepseek' },
    { time: '14:30', event: 'Mitigation applied' },
    { time: '14:47', event: 'Incident resolved' },
  ],
  rootCause:
    'The rate limiter was enforced per instance, so the provider saw 3x the limit.\n\nContributing: the alert fired late.',
  resolution: 'Lowered requests_per_minute to 30 on all three instances and reloaded each one.',
  actionItems: [
    {
      action: 'Alert when a provider score stays below 7 for 5 minutes',
      owner: '@sre',
      dueDate: '2026-03-21',
      status: 'Open',
    },
    {
      action: 'Move the rate limiter to Redis',
      owner: '@engineer',
      dueDate: '2026-04-01',
      status: 'In progress',
    },
  ],
  lessonsLearned: 'The runbook worked; the reload step needs to name every instance.',
})

/** The course template's headings, in order, as the seed writes them. */
async function seedTemplateHeadings(): Promise<string[]> {
  const seed = await readFile(
    path.resolve(import.meta.dirname, '../content/runbooks/incident-report-template.mdx'),
    'utf8',
  )
  const template = /```markdown\n([\s\S]*?)```/.exec(seed)?.[1] ?? ''
  return template.split('\n').filter((line) => line.startsWith('#'))
}

describe('renderIncidentMarkdown', () => {
  it("follows the template's exact headings, in the template's order", async () => {
    const markdown = renderIncidentMarkdown(filledReport())
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'))
    const expected = (await seedTemplateHeadings()).map((h) => h.replace('INCIDENT-XXXX', 'INCIDENT-0042'))
    expect(expected).toContain('## Lessons Learned')
    expect(headings).toEqual(expected)
  })

  it('renders the filled sections and tables', () => {
    const markdown = renderIncidentMarkdown(filledReport())
    expect(markdown).toContain(
      '# Incident Report: [INCIDENT-0042]\n\n**Degraded chat completions from provider deepseek**\n\n## Summary\n',
    )
    expect(markdown).toContain(
      '- **Severity**: P2\n- **Duration**: 2026-03-14 14:02 - 14:47 UTC\n- **Impact**: 18% of',
    )
    expect(markdown).toContain(
      '| Time (UTC) | Event |\n|------------|-------|\n| 14:05 | ProviderDegraded alert triggered |',
    )
    // A pipe in user text is escaped so it cannot add a column.
    expect(markdown).toContain('| 14:21 | Root cause identified: rate limit \\| 429 from deepseek |')
    expect(markdown).toContain(
      '## Root Cause\nThe rate limiter was enforced per instance, so the provider saw 3x the limit.\n\nContributing: the alert fired late.\n',
    )
    expect(markdown).toContain(
      '| Item | Owner | Due Date | Status |\n|------|-------|----------|--------|\n| Alert when a provider score stays below 7 for 5 minutes | @sre | 2026-03-21 | Open |\n| Move the rate limiter to Redis | @engineer | 2026-04-01 | In progress |',
    )
    expect(
      markdown.endsWith(
        '## Lessons Learned\nThe runbook worked; the reload step needs to name every instance.\n',
      ),
    ).toBe(true)
  })

  it('keeps every heading for an empty draft and drops blank rows', () => {
    const markdown = renderIncidentMarkdown(emptyIncidentReport())
    expect(
      markdown.startsWith('# Incident Report: [INCIDENT-XXXX]\n\n## Summary\n- **Severity**: Not set\n'),
    ).toBe(true)
    expect(markdown).toContain(
      '| Time (UTC) | Event |\n|------------|-------|\n\n## Root Cause\n_Not filled in yet._',
    )
    expect(markdown).not.toMatch(/\| {2}\|/)
  })

  it('accepts a bare number as the incident id and turns line breaks in cells into spaces', () => {
    const report = {
      ...filledReport(),
      incidentId: '7',
      timeline: [{ time: '09:00', event: 'first\nsecond' }],
    }
    const markdown = renderIncidentMarkdown(report)
    expect(markdown).toContain('# Incident Report: [INCIDENT-7]')
    expect(markdown).toContain('| 09:00 | first second |')
  })
})

describe('incidentFileName', () => {
  it.each([
    ['INCIDENT-0042', 'incident-0042.md'],
    ['0042', 'incident-0042.md'],
    ['[INCIDENT-2026-03-14]', 'incident-2026-03-14.md'],
    ['inc 7/../x', 'incident-inc-7-x.md'],
    ['', 'incident-draft.md'],
  ])('%s → %s', (id, name) => expect(incidentFileName(id)).toBe(name))
})

describe('checkIncidentReport', () => {
  it('accepts a complete report', () => {
    expect(checkIncidentReport(filledReport())).toEqual({ complete: true, missing: [] })
  })

  it('lists everything an empty draft lacks, in template order', () => {
    expect(checkIncidentReport(emptyIncidentReport())).toEqual({
      complete: false,
      missing: Object.values(MISSING),
    })
  })

  it('needs two timeline entries that each have a clock time and an event', () => {
    const report = filledReport()
    report.timeline = [
      { time: '14:05', event: 'Alert' },
      { time: 'soon after', event: 'Acknowledged' },
      { time: '14:30', event: '   ' },
    ]
    expect(checkIncidentReport(report)).toEqual({ complete: false, missing: [MISSING.timeline] })
    report.timeline.push({ time: '2026-03-14 14:47', event: 'Resolved' })
    expect(checkIncidentReport(report).complete).toBe(true)
  })

  it('needs an action item with an owner, and a severity from P1 to P4', () => {
    const report = filledReport()
    report.actionItems = [{ action: 'Fix it', owner: ' ', dueDate: '', status: 'Open' }]
    report.severity = ''
    report.rootCause = '  \n '
    expect(checkIncidentReport(report).missing).toEqual([
      MISSING.severity,
      MISSING.rootCause,
      MISSING.actionItems,
    ])
  })
})

describe('parseIncidentMarkdown', () => {
  it('reads a rendered report back into the same fields', () => {
    const report = filledReport()
    expect(parseIncidentMarkdown(renderIncidentMarkdown(report))).toEqual(report)
  })

  it('renders and reads back the optional Roles and Status Updates sections', () => {
    const report: IncidentReportFields = {
      ...filledReport(),
      roles: { commander: '@ana', communications: '@comms-oncall' },
      statusUpdates: [
        { time: '14:06', event: 'Investigating: chat completions fail for some users' },
        { time: '14:47', event: 'Resolved' },
      ],
    }
    const markdown = renderIncidentMarkdown(report)
    expect(markdown).toContain(
      '## Roles\n- **Incident Commander**: @ana\n- **Communications Lead**: @comms-oncall\n',
    )
    expect(markdown.indexOf('## Status Updates')).toBeGreaterThan(markdown.indexOf('## Timeline'))
    expect(markdown.indexOf('## Status Updates')).toBeLessThan(markdown.indexOf('## Root Cause'))
    expect(parseIncidentMarkdown(markdown)).toEqual(report)
  })

  it('leaves the optional sections out when they are empty, as before they existed', () => {
    const report: IncidentReportFields = {
      ...filledReport(),
      roles: { commander: ' ', communications: '' },
      statusUpdates: [{ time: '', event: '' }],
    }
    const markdown = renderIncidentMarkdown(report)
    expect(markdown).toBe(renderIncidentMarkdown(filledReport()))
    expect(markdown).not.toMatch(/## Roles|## Status Updates/)
  })

  it('reads an empty rendered draft back as empty', () => {
    const parsed = parseIncidentMarkdown(renderIncidentMarkdown(emptyIncidentReport()))
    expect(parsed).toEqual({ ...emptyIncidentReport(), timeline: [], actionItems: [] })
  })

  it('finds the unfilled course template incomplete', async () => {
    const seed = await readFile(
      path.resolve(import.meta.dirname, '../content/runbooks/incident-report-template.mdx'),
      'utf8',
    )
    const template = /```markdown\n([\s\S]*?)```/.exec(seed)?.[1] ?? ''
    const result = checkIncidentReport(parseIncidentMarkdown(template))
    expect(result.complete).toBe(false)
    expect(result.missing).toEqual(
      expect.arrayContaining([MISSING.incidentId, MISSING.severity, MISSING.timeline]),
    )
  })
})
