import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readGradedLabs } from './graded-labs'

const dirs: string[] = []
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))

function labYaml(slug: string, steps: { id: string; points: number }[]): string {
  return [
    `slug: ${slug}`,
    `title: Lab ${slug}`,
    'summary: A lab.',
    'topology: ../topologies/ha-stack.yaml',
    'limits: { timeLimitMinutes: 60, idleTimeoutMinutes: 15 }',
    'steps:',
    ...steps.flatMap((s) => [
      `  - id: ${s.id}`,
      `    title: Step ${s.id}`,
      `    instructions: steps/${s.id}.mdx`,
      `    check: { script: checks/${s.id}.sh }`,
      `    solve: { script: solve/${s.id}.sh }`,
      `    points: ${s.points}`,
    ]),
  ].join('\n')
}

describe('readGradedLabs', () => {
  it('reads valid labs in course order and reports invalid ones by file and field', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'graded-labs-'))
    dirs.push(parent)
    const root = path.join(parent, 'labs')
    const write = async (dir: string, text: string) => {
      await mkdir(path.join(root, dir), { recursive: true })
      await writeFile(path.join(root, dir, 'lab.yaml'), text)
      // The files a lab names, so only the schema decides which lab is broken.
      for (const folder of ['steps', 'checks', 'solve']) {
        await mkdir(path.join(root, dir, folder), { recursive: true })
        for (const id of ['lb', 'replica', 'restore', 'one', 'x']) {
          await writeFile(path.join(root, dir, folder, `${id}.${folder === 'steps' ? 'mdx' : 'sh'}`), '')
        }
      }
    }
    await write('dr-test', labYaml('dr-test', [{ id: 'restore', points: 50 }]))
    await write(
      'ha-setup',
      labYaml('ha-setup', [
        { id: 'lb', points: 10 },
        { id: 'replica', points: 20 },
      ]),
    )
    await write('aaa-extra', labYaml('aaa-extra', [{ id: 'one', points: 5 }]))
    await write('broken', labYaml('broken', [{ id: 'x', points: -1 }]))
    await mkdir(path.join(root, 'topologies'))
    await writeFile(
      path.join(root, 'topologies', 'ha-stack.yaml'),
      'services:\n  grader: {}\n  workstation: {}\n',
    )

    const catalog = await readGradedLabs(root)
    expect(catalog.labs.map((l) => l.slug)).toEqual(['ha-setup', 'dr-test', 'aaa-extra'])
    expect(catalog.labs[0]).toEqual({
      slug: 'ha-setup',
      title: 'Lab ha-setup',
      totalPoints: 30,
      steps: [
        { id: 'lb', title: 'Step lb', points: 10 },
        { id: 'replica', title: 'Step replica', points: 20 },
      ],
    })
    expect(catalog.problems).toHaveLength(1)
    expect(catalog.problems[0]).toMatch(/^labs\/broken\/lab.yaml: steps\[0\]\.points: /)
  })

  it('answers no labs, and says why, when there is no labs folder yet', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-labs-folder')
    expect(await readGradedLabs(missing)).toEqual({
      labs: [],
      problems: [`${missing}: (folder): labs folder not found (set LABS_DIR)`],
    })
  })
})
