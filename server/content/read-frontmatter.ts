import { readFile } from 'node:fs/promises'
import YAML from 'yaml'
import type { z } from 'zod'
import { ContentError } from './content-error'

export interface ContentFile<T> {
  file: string
  data: T
  /** The whole file, frontmatter included (the MDX compiler strips it). */
  source: string
  body: string
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/

export async function readContentFile<S extends z.ZodType>(
  file: string,
  schema: S,
  displayName: string,
): Promise<ContentFile<z.infer<S>>> {
  const source = await readFile(file, 'utf8')
  const match = FRONTMATTER.exec(source)
  if (!match) throw new ContentError(displayName, ['the file must start with a --- frontmatter block'])
  let raw: unknown
  try {
    raw = YAML.parse(match[1] ?? '')
  } catch (error) {
    throw new ContentError(displayName, [`frontmatter is not valid YAML: ${(error as Error).message}`])
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw ContentError.fromZod(displayName, parsed.error)
  return { file, data: parsed.data, source, body: source.slice(match[0].length) }
}

export async function readYamlFile<S extends z.ZodType>(file: string, schema: S, displayName: string): Promise<z.infer<S>> {
  let raw: unknown
  try {
    raw = YAML.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new ContentError(displayName, [`not valid YAML: ${(error as Error).message}`])
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw ContentError.fromZod(displayName, parsed.error)
  return parsed.data
}
