import { describe, expect, it } from 'vitest'
import { describeZodIssues, labDefinitionSchema } from './lab-definition'

const step = (id: string, requires?: string[]) => ({
  id,
  title: id,
  instructions: `${id}.mdx`,
  check: { script: `checks/${id}.sh` },
  solve: { script: `solve/${id}.sh` },
  points: 10,
  ...(requires ? { requires } : {}),
})
const lab = (steps: unknown[]) => ({
  slug: 'demo',
  title: 'Demo',
  summary: 'A lab',
  topology: 'topology.yaml',
  limits: { timeLimitMinutes: 30, idleTimeoutMinutes: 10 },
  steps,
})
const issues = (steps: unknown[]) => {
  const parsed = labDefinitionSchema.safeParse(lab(steps))
  return parsed.success ? [] : describeZodIssues(parsed.error.issues)
}

describe('lab step requires:', () => {
  it('defaults to no requirements and accepts earlier steps', () => {
    const parsed = labDefinitionSchema.parse(lab([step('a'), step('b'), step('report', ['a', 'b'])]))
    expect(parsed.steps.map((s) => s.requires)).toEqual([[], [], ['a', 'b']])
  })

  it('refuses a later step, naming the order problem', () => {
    expect(issues([step('a', ['b']), step('b')])).toEqual([
      { path: 'steps[0].requires[0]', message: expect.stringContaining('"b" comes after "a"') },
    ])
  })

  it('refuses an unknown step and the step itself', () => {
    expect(issues([step('a'), step('b', ['nope', 'b'])])).toEqual([
      { path: 'steps[1].requires[0]', message: 'there is no step "nope" in this lab (steps: a, b)' },
      { path: 'steps[1].requires[1]', message: 'a step cannot require itself ("b")' },
    ])
  })
})
