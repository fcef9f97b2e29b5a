// Draws a lesson's <Diagram> exactly as the lesson page does: the page's own component
// (app/_components/mdx/diagram.tsx) bundled with esbuild and rendered to static SVG markup.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const projectRoot = path.resolve(import.meta.dirname, '../..')
// Inside node_modules, so the bundle's `react` imports resolve to the project's copy; one folder
// per process, so two generators (the launcher's and a test's) never overwrite each other's bundle.
const outDir = path.join(projectRoot, `node_modules/.cache/helix-videos/diagram-${process.pid}`)

export interface DrawnDiagram {
  /** `<svg>` markup of the diagram. */
  markup: string
  /** Its stylesheet (CSS-module class names as the bundle renamed them). */
  css: string
  /** The diagram's own `<desc>`, which the narration reads. */
  description: string
}

let renderer: Promise<{ render(name: string): string; css: string }> | undefined

async function loadRenderer() {
  await mkdir(outDir, { recursive: true })
  const entry = path.join(outDir, 'entry.tsx')
  const component = path.join(projectRoot, 'app/_components/mdx/diagram.tsx')
  await writeFile(
    entry,
    [
      "import { renderToStaticMarkup } from 'react-dom/server'",
      `import { Diagram } from ${JSON.stringify(component)}`,
      'export const render = (name: string) => renderToStaticMarkup(<Diagram name={name} />)',
    ].join('\n'),
  )
  await build({
    entryPoints: [entry],
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    jsx: 'automatic',
    loader: { '.css': 'local-css' },
    external: ['react', 'react-dom'],
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  })
  try {
    const css = await readFile(path.join(outDir, 'entry.css'), 'utf8').catch(() => '')
    // A fresh URL per load: a rebuilt bundle must not come from Node's module cache.
    const mod = (await import(`${pathToFileURL(path.join(outDir, 'entry.mjs')).href}?t=${Date.now()}`)) as {
      render(name: string): string
    }
    return { render: mod.render, css }
  } finally {
    // Loaded into memory: the files are not needed any more.
    await rm(outDir, { recursive: true, force: true })
  }
}

/** The diagram's SVG, or null when the page component has no diagram of that name. */
export async function drawDiagram(name: string): Promise<DrawnDiagram | null> {
  renderer ??= loadRenderer()
  const { render, css } = await renderer
  const markup = render(name)
  if (!markup.includes('<svg')) return null
  const description = /<desc[^>]*>([^<]*)<\/desc>/.exec(markup)?.[1]?.trim() ?? ''
  return { markup, css, description }
}
