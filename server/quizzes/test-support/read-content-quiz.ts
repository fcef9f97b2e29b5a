// Test helper: reads a real module's quiz.yaml from content (no copy that could drift).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import type { Quiz } from '../types'

const modulesDir = path.resolve(import.meta.dirname, '../../../content/courses/production-operations/modules')

/** The quiz of one module folder (e.g. "05-incident-response"), keyed by the module's slug as the app keys it. */
export async function readContentQuiz(moduleFolder: string): Promise<Quiz> {
  const dir = path.join(modulesDir, moduleFolder)
  const raw = parse(await readFile(path.join(dir, 'quiz.yaml'), 'utf8')) as Omit<Quiz, 'key'>
  const moduleMdx = await readFile(path.join(dir, 'module.mdx'), 'utf8')
  const frontmatter = parse(/^---\n([\s\S]*?)\n---/.exec(moduleMdx)?.[1] ?? '') as { slug: string }
  return { key: `production-operations/${frontmatter.slug}`, ...raw }
}
