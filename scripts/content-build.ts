// `npm run content:build` (part of `npm run build`): validates every content file and compiles
// all MDX into the render cache, so a bad file fails the build with its name and field, and the
// first request after a deploy compiles nothing. An optional argument names another content
// folder (used by its test).
import path from 'node:path'
import { compileMdx, compileStats, setMdxCacheDir } from '../server/content/compile-mdx'
import { ContentError } from '../server/content/content-error'
import { defaultContentRoot, listCourseSlugs, loadCourse, loadRunbooks } from '../server/content/load-content'

async function main() {
  setMdxCacheDir(path.resolve(import.meta.dirname, '../.next/cache/academy-mdx'))
  const root = process.argv[2] ? path.resolve(process.argv[2]) : defaultContentRoot
  const started = performance.now()
  const files: { source: string; file: string }[] = []
  for (const slug of await listCourseSlugs(root)) {
    const course = await loadCourse(slug, root)
    files.push({ source: course.source, file: `content/courses/${slug}/course.mdx` })
    for (const m of course.modules)
      files.push({ source: m.source, file: `content/courses/${slug}/modules/${m.folder}/module.mdx` })
    for (const l of course.lessons) files.push(l)
    for (const p of course.pages) files.push(p)
  }
  for (const r of await loadRunbooks(root)) files.push(r)
  for (const f of files) await compileMdx(f.source, f.file)
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `Content OK: ${files.length} MDX files (${compileStats.compiled} compiled, ${compileStats.diskHits} cached) in ${seconds} s`,
  )
}

main().catch((error: unknown) => {
  if (error instanceof ContentError) {
    console.error(`Invalid content in ${error.message}`)
  } else {
    console.error(error)
  }
  process.exit(1)
})
