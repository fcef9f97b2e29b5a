// Compiles MDX on the server with mdx-bundler. Results are cached by a hash of the source and
// of this pipeline's version, in memory and on disk, so a warm request compiles nothing.
import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { bundleMDX } from 'mdx-bundler'
import rehypeSlug from 'rehype-slug'
import remarkGfm from 'remark-gfm'
import { ContentError } from './content-error'
import { rehypeCodeBlocks, type CodeBlockInfo } from './rehype-code-blocks'
import { rehypeOutline, type Heading, type Section } from './rehype-outline'

/** Bump when the pipeline's output changes, so old cache entries are not reused. */
const PIPELINE_VERSION = 'mdx-v1'

export interface CompiledMdx {
  code: string
  headings: Heading[]
  sections: Section[]
  codeBlocks: CodeBlockInfo[]
}

const memory = new Map<string, Promise<CompiledMdx>>()
// The platform always runs from the project root (the launcher, tests and scripts all do).
let cacheDir = path.join(process.cwd(), '.next/cache/academy-mdx')
export const compileStats = { compiled: 0, memoryHits: 0, diskHits: 0 }

export function setMdxCacheDir(dir: string) {
  cacheDir = dir
}

export function clearMemoryCache() {
  memory.clear()
}

async function compile(source: string, displayName: string): Promise<CompiledMdx> {
  const headings: Heading[] = []
  const sections: Section[] = []
  const codeBlocks: CodeBlockInfo[] = []
  try {
    const result = await bundleMDX({
      source,
      mdxOptions(options) {
        options.remarkPlugins = [...(options.remarkPlugins ?? []), remarkGfm]
        options.rehypePlugins = [
          ...(options.rehypePlugins ?? []),
          rehypeSlug,
          [rehypeCodeBlocks, { collect: codeBlocks }],
          [rehypeOutline, { headings, sections }],
        ]
        return options
      },
    })
    compileStats.compiled++
    return { code: result.code, headings, sections, codeBlocks }
  } catch (error) {
    throw new ContentError(displayName, [`MDX does not compile: ${(error as Error).message}`])
  }
}

export function compileMdx(source: string, displayName: string): Promise<CompiledMdx> {
  const hash = createHash('sha256').update(PIPELINE_VERSION).update(source).digest('hex')
  const cached = memory.get(hash)
  if (cached) {
    compileStats.memoryHits++
    return cached
  }
  const pending = (async () => {
    const file = path.join(cacheDir, `${hash}.json`)
    const fromDisk = await readFile(file, 'utf8').then(
      (text) => JSON.parse(text) as CompiledMdx,
      () => undefined,
    )
    if (fromDisk) {
      compileStats.diskHits++
      return fromDisk
    }
    const compiled = await compile(source, displayName)
    // Write-then-rename so a concurrent reader never sees half a file.
    await mkdir(cacheDir, { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify(compiled))
    await rename(tmp, file)
    return compiled
  })()
  memory.set(hash, pending)
  pending.catch(() => memory.delete(hash))
  return pending
}
