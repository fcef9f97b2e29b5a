import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ContentError } from './content-error'
import { defaultContentRoot, loadCourse, loadRunbooks } from './load-content'

let root: string
const lessonFile = () =>
  path.join(root, 'content/courses/production-operations/modules/01-production-architecture/lessons/01-high-availability-design.mdx')

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'academy-content-'))
  await cp(defaultContentRoot, path.join(root, 'content'), { recursive: true })
})
afterEach(() => rm(root, { recursive: true, force: true }))

async function loadError(): Promise<ContentError> {
  try {
    await loadCourse('production-operations', path.join(root, 'content'))
  } catch (error) {
    if (error instanceof ContentError) return error
    throw error
  }
  throw new Error('expected the course not to load')
}

describe('loadCourse', () => {
  it('loads the real course', async () => {
    const course = await loadCourse('production-operations', path.join(root, 'content'))
    expect(course.lessons).toHaveLength(19)
    expect(course.lessons[0]?.key).toBe('production-operations/high-availability-design')
    expect(course.modules[0]?.quiz.key).toBe('production-operations/production-architecture')
  })

  it('names the file and the field of invalid frontmatter', async () => {
    const text = await readFile(lessonFile(), 'utf8')
    await writeFile(lessonFile(), text.replace('durationMinutes: 30', 'durationMinutes: thirty'))
    const error = await loadError()
    expect(error.message).toContain('modules/01-production-architecture/lessons/01-high-availability-design.mdx')
    expect(error.message).toContain('durationMinutes:')
  })

  it('rejects unknown frontmatter keys and unknown labs', async () => {
    const text = await readFile(lessonFile(), 'utf8')
    await writeFile(lessonFile(), text.replace('labs: [ha-setup', 'colour: blue\nlabs: [no-such-lab, ha-setup'))
    const error = await loadError()
    expect(error.message).toMatch(/colour|Unrecognized key/)
    expect(error.message).toContain('labs.0')
  })

  it('rejects a missing frontmatter block and broken YAML', async () => {
    await writeFile(lessonFile(), '# no frontmatter\n')
    expect((await loadError()).message).toContain('must start with a --- frontmatter block')
    await writeFile(lessonFile(), '---\ntitle: [unclosed\n---\n')
    expect((await loadError()).message).toContain('not valid YAML')
  })

  it('rejects a quiz question whose review topic names a heading the lesson does not have', async () => {
    const quiz = path.join(root, 'content/courses/production-operations/modules/02-scaling-strategies/quiz.yaml')
    const text = await readFile(quiz, 'utf8')
    await writeFile(quiz, text.replace('heading: Auto-scaling rules', 'heading: Autoscaling rules'))
    const error = await loadError()
    expect(error.message).toContain('02-scaling-strategies/quiz.yaml')
    expect(error.message).toContain('"Autoscaling rules" is not an h2/h3 heading of horizontal-scaling')
  })

  it('rejects a quiz answer that is not one of the choices', async () => {
    const quiz = path.join(root, 'content/courses/production-operations/modules/02-scaling-strategies/quiz.yaml')
    const text = await readFile(quiz, 'utf8')
    await writeFile(quiz, text.replace(/answer: \d/, 'answer: 9'))
    const error = await loadError()
    expect(error.message).toContain('02-scaling-strategies/quiz.yaml')
    expect(error.message).toContain('answer must be the index of one of the choices')
  })
})

describe('loadRunbooks', () => {
  it('loads the four runbooks and templates', async () => {
    const runbooks = await loadRunbooks(path.join(root, 'content'))
    expect(runbooks.map((r) => r.slug).sort()).toEqual([
      'disaster-recovery-plan',
      'incident-report-template',
      'on-call-escalation',
      'provider-degradation',
    ])
  })
})
