// Proves the room boundaries (eslint-boundaries.mjs) fire: each case lints a one-line file at a
// path inside a room with the project's real ESLint config.
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname) })

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath })
  return (result?.messages ?? [])
    .filter(
      (m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId?.startsWith('boundaries/'),
    )
    .map((m) => m.message)
}

describe('room boundaries', () => {
  it.each([
    [
      'server/labs/x.ts',
      "import { isEditable } from '@/lab-runner/src/files/sandbox-files'",
      'never imports the lab-runner',
    ],
    ['app/labs/x.ts', "import { loadLabs } from '../../lab-runner/src/main'", 'never imports the lab-runner'],
    ['server/labs/x.ts', "import { Quiz } from '@/app/_components/quiz/quiz'", 'server/ never imports app/'],
    [
      'lab-runner/src/http/x.ts',
      "import { getLab } from '../../../server/labs/list-labs'",
      'never imports the web app',
    ],
    ['lab-runner/src/http/x.ts', "import { x } from '@/app/page'", 'never imports the web app'],
    ['contracts/x.ts', "import { x } from '@/server/db'", 'contracts/ is the bottom room'],
  ])('%s: %s is an error', async (file, code, message) => {
    const errors = await boundaryErrors(file, code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(message)
  })

  it('a client component may import only types from server/', async () => {
    const file = 'app/_components/x/x.tsx'
    const value = await boundaryErrors(
      file,
      "'use client'\nimport { db } from '@/server/db'\nexport const y = db",
    )
    expect(value).toEqual([expect.stringContaining("client component ('use client') imports only types")])
    const typeOnly = "'use client'\nimport type { Db } from '@/server/db'\nexport type Y = Db"
    expect(await boundaryErrors(file, typeOnly)).toEqual([])
    const inlineTypes = "'use client'\nimport { type Db } from '@/server/db'\nexport type Y = Db"
    expect(await boundaryErrors(file, inlineTypes)).toEqual([])
  })

  it('a server component may import server values, and every room may import contracts/', async () => {
    expect(
      await boundaryErrors('app/x/page.tsx', "import { db } from '@/server/db'\nexport const y = db"),
    ).toEqual([])
    expect(
      await boundaryErrors('server/x.ts', "import { x } from '@/contracts/runner-api'\nexport const y = x"),
    ).toEqual([])
    const runner = "import { x } from '../../../contracts/runner-api'\nexport const y = x"
    expect(await boundaryErrors('lab-runner/src/http/x.ts', runner)).toEqual([])
  })
})

describe('one import style', () => {
  it.each(['lab-runner/src/http/x.ts', 'scripts/x.ts', 'server/labs/x.test.ts'])(
    '%s: a relative import with a .js suffix is an error, without one it is fine',
    async (file) => {
      const lint = async (code: string) => {
        const [result] = await eslint.lintText(`${code}\nexport const y = x\n`, { filePath: file })
        return (result?.messages ?? [])
          .filter((m) => m.ruleId === 'no-restricted-syntax')
          .map((m) => m.message)
      }
      expect(await lint("import { x } from './sandbox-files.js'")).toEqual([
        'Import without the .js suffix (one import style for the whole tree).',
      ])
      expect(await lint("import { x } from './sandbox-files'")).toEqual([])
    },
  )
})
