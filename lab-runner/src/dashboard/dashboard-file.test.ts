import { describe, expect, it } from 'vitest'
import { DASHBOARD_LIMITS } from '../../../contracts/dashboard'
import { labDefinitionSchema } from '../../../contracts/lab-definition'
import { parseDashboardFile } from './dashboard-file'

const SOLVED = `# HelixAgent Overview (lesson 3.2)
panels:
  - title: Request rate by endpoint
    query: sum(rate(helixagent_requests_total[5m])) by (endpoint)
  - title: Provider scores
    query: helixagent_provider_score
  - title: Error rate (%)
    query: 'sum(rate(helixagent_requests_total{status=~"5.."}[5m])) / sum(rate(helixagent_requests_total[5m])) * 100'
`

describe('parseDashboardFile', () => {
  it('reads the documented format, single-quoted queries included', () => {
    expect(parseDashboardFile(SOLVED)).toEqual({
      status: 'ok',
      notices: [],
      panels: [
        {
          title: 'Request rate by endpoint',
          query: 'sum(rate(helixagent_requests_total[5m])) by (endpoint)',
        },
        { title: 'Provider scores', query: 'helixagent_provider_score' },
        {
          title: 'Error rate (%)',
          query:
            'sum(rate(helixagent_requests_total{status=~"5.."}[5m])) / sum(rate(helixagent_requests_total[5m])) * 100',
        },
      ],
    })
  })

  it('says the starter file (panels: []) and an empty file have no panels yet', () => {
    const starter = '# Your HelixAgent dashboard\n# panels:\n#   - title: x\npanels: []\n'
    expect(parseDashboardFile(starter)).toMatchObject({
      status: 'problem',
      reason: 'empty',
      message: expect.stringMatching(/no panels yet.*save the file/),
    })
    expect(parseDashboardFile('')).toMatchObject({
      status: 'problem',
      reason: 'empty',
      message: expect.stringContaining('empty'),
    })
    expect(parseDashboardFile('# only comments\n')).toMatchObject({ reason: 'empty' })
  })

  it('names the line of a YAML syntax error and what to do', () => {
    const result = parseDashboardFile('panels:\n  - title: a\n    query: up\n  - title: b: c\n')
    expect(result.status).toBe('problem')
    if (result.status !== 'problem') return
    expect(result.reason).toBe('invalid')
    expect(result.message).toMatch(/not valid YAML: .*line 4/)
    expect(result.message).toContain('Fix it in the Editor')
  })

  it('explains a file without a panels list, or with panels that are not a list', () => {
    expect(parseDashboardFile('dashboards:\n  - title: a\n')).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('no panels: list'),
    })
    expect(parseDashboardFile('panels: up\n')).toMatchObject({
      status: 'problem',
      message: expect.stringContaining('must be a list'),
    })
  })

  it('reports a panel without a query, or with an unquoted brace query, on that panel only', () => {
    const result = parseDashboardFile(
      'panels:\n  - title: No query\n  - title: Braces\n    query: {job="x"}\n  - title: Fine\n    query: up\n',
    )
    expect(result.status).toBe('ok')
    if (result.status !== 'ok') return
    expect(result.panels[0]).toMatchObject({
      title: 'No query',
      problem: expect.stringContaining('no query'),
    })
    expect(result.panels[1]).toMatchObject({
      title: 'Braces',
      problem: expect.stringContaining('single quotes'),
    })
    expect(result.panels[2]).toEqual({ title: 'Fine', query: 'up' })
  })

  it('names untitled panels by position and accepts keys in either order', () => {
    const result = parseDashboardFile('panels:\n  - query: up\n  - query: vector(1)\n    title: Second\n')
    expect(result).toMatchObject({
      status: 'ok',
      panels: [
        { title: 'Panel 1', query: 'up' },
        { title: 'Second', query: 'vector(1)' },
      ],
    })
  })

  it(`keeps the first ${DASHBOARD_LIMITS.panels} panels and says how many were left out`, () => {
    const many = `panels:\n${Array.from({ length: 15 }, (_, i) => `  - title: P${i}\n    query: vector(${i})\n`).join('')}`
    const result = parseDashboardFile(many)
    expect(result.status).toBe('ok')
    if (result.status !== 'ok') return
    expect(result.panels).toHaveLength(DASHBOARD_LIMITS.panels)
    expect(result.panels.at(-1)?.title).toBe('P11')
    expect(result.notices).toEqual([
      `The dashboard shows at most ${DASHBOARD_LIMITS.panels} panels; the last 3 panels were left out.`,
    ])
  })

  it(`refuses a query over ${DASHBOARD_LIMITS.queryBytes} bytes, and accepts one at the limit`, () => {
    const atLimit = `sum(up) + ${'1'.repeat(DASHBOARD_LIMITS.queryBytes - 10)}`
    expect(Buffer.byteLength(atLimit)).toBe(DASHBOARD_LIMITS.queryBytes)
    const result = parseDashboardFile(
      `panels:\n  - title: Ok\n    query: '${atLimit}'\n  - title: Long\n    query: '${atLimit}1'\n`,
    )
    if (result.status !== 'ok') throw new Error(JSON.stringify(result))
    expect(result.panels[0]?.problem).toBeUndefined()
    expect(result.panels[1]?.problem).toBe(
      `the query is ${DASHBOARD_LIMITS.queryBytes + 1} bytes; a panel's query may be at most ${DASHBOARD_LIMITS.queryBytes} bytes.`,
    )
  })

  it("notes a multi-line query, which the step's one-line-per-key check cannot read", () => {
    const result = parseDashboardFile('panels:\n  - title: Split\n    query: |\n      sum(\n        up)\n')
    expect(result).toMatchObject({
      status: 'ok',
      panels: [{ title: 'Split', query: 'sum(\n  up)', note: expect.stringContaining('one line') }],
    })
  })
})

describe('the dashboard section of a lab definition', () => {
  const lab = (dashboardPath: string) => ({
    slug: 'demo',
    title: 'Demo',
    summary: 'Demo lab',
    topology: 'topology.yaml',
    limits: { timeLimitMinutes: 30, idleTimeoutMinutes: 10 },
    editableFiles: [
      { host: 'workstation', path: '/home/learner/dash.yaml', language: 'yaml' },
      { host: 'workstation', path: '/srv/dashboards/', language: 'yaml' },
    ],
    dashboard: {
      file: { host: 'workstation', path: dashboardPath },
      prometheus: { host: 'prometheus', port: 9090 },
    },
    steps: [
      {
        id: 'one',
        title: 'One',
        instructions: 'one.mdx',
        check: { script: 'c.sh' },
        solve: { script: 's.sh' },
        points: 1,
      },
    ],
  })

  it('accepts a panels file that is an editable file, exactly or below an editable folder', () => {
    expect(labDefinitionSchema.safeParse(lab('/home/learner/dash.yaml')).success).toBe(true)
    expect(labDefinitionSchema.safeParse(lab('/srv/dashboards/team.yaml')).success).toBe(true)
  })

  it('refuses a panels file the learner cannot edit, naming the field', () => {
    const parsed = labDefinitionSchema.safeParse(lab('/etc/other.yaml'))
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['dashboard', 'file'],
        message: expect.stringContaining("workstation:/etc/other.yaml is not one of the lab's editableFiles"),
      }),
    ])
  })
})
