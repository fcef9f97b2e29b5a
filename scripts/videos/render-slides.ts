// Draws each slide of a lesson video as HTML and screenshots it with Chromium at 1280x720
// (playwright-core driving Debian's Chromium, as the browser tests do).
import { chromium, type Browser } from 'playwright-core'
import type { DrawnDiagram } from './render-diagram'
import type { CodeSample, Slide } from './lesson-script'

export const WIDTH = 1280
export const HEIGHT = 720

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

// The light palette of app/globals.css, so the slides look like the lesson pages.
const STYLE = `
:root { --bg:#f7f8fb; --surface:#fff; --surface-2:#eef1f6; --text:#17202e; --muted:#566275; --border:#d9dee8;
  --accent:#2456d6; --accent-soft:#e3ebff; --ok:#137a3a; --warn:#8a5a00; --warn-soft:#fff3d6; --danger:#b3261e;
  --font: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; --mono: 'DejaVu Sans Mono', 'Liberation Mono', monospace; }
* { box-sizing: border-box; margin: 0; }
html, body { width: ${WIDTH}px; height: ${HEIGHT}px; overflow: hidden; }
body { background: var(--bg); color: var(--text); font-family: var(--font); display: flex; flex-direction: column; }
header { padding: 40px 72px 0; color: var(--muted); font-size: 20px; display: flex; justify-content: space-between; }
header b { color: var(--accent); }
main { flex: 1; padding: 20px 72px 24px; display: flex; flex-direction: column; min-height: 0; }
h1 { font-size: 44px; line-height: 1.15; margin-bottom: 28px; }
ul { padding-left: 0; list-style: none; display: flex; flex-direction: column; gap: 18px; }
li { font-size: 30px; line-height: 1.3; padding-left: 40px; position: relative; }
li::before { content: ''; position: absolute; left: 6px; top: 13px; width: 14px; height: 14px; border-radius: 4px; background: var(--accent); }
footer { height: 10px; background: var(--accent); }
pre { background: #0d1117; color: #e6ebf2; border-radius: 12px; padding: 22px 28px; font-family: var(--mono);
  font-size: 19px; line-height: 1.45; overflow: hidden; flex: 1; white-space: pre; }
pre.ascii { background: var(--surface); color: var(--text); border: 1px solid var(--border); font-size: 15px; line-height: 1.2; }
.lang { color: var(--muted); font-size: 18px; margin: -16px 0 12px; font-family: var(--mono); }
.title main { justify-content: center; }
.title h1 { font-size: 64px; margin-bottom: 20px; }
.title .module { font-size: 26px; color: var(--muted); margin-bottom: 36px; }
.title ul { flex-direction: row; flex-wrap: wrap; gap: 12px; }
.title li { font-size: 22px; padding: 8px 16px; background: var(--accent-soft); color: var(--accent); border-radius: 999px; }
.title li::before { display: none; }
.callout main { justify-content: center; }
.callout .box { border-left: 10px solid var(--accent); background: var(--surface); border-radius: 12px; padding: 36px 44px; box-shadow: 0 1px 3px rgb(16 24 40 / 10%); }
.callout.warning .box, .callout.danger .box { border-color: var(--warn); background: var(--warn-soft); }
.callout .box p { font-size: 32px; line-height: 1.4; }
.callout .tone { text-transform: uppercase; letter-spacing: 0.08em; font-size: 20px; color: var(--muted); margin-bottom: 12px; }
.diagram main { align-items: center; }
.diagram main h1 { align-self: flex-start; margin-bottom: 8px; }
.diagram figure { flex: 1; width: 100%; display: flex; justify-content: center; min-height: 0; }
.diagram figure svg { height: 100%; width: auto; max-width: 100%; }
`

function codeHtml(code: CodeSample, ascii = false): string {
  const label = [code.lang, code.title].filter(Boolean).join(' · ')
  return `${label && !ascii ? `<p class="lang">${escapeHtml(label)}</p>` : ''}<pre class="${ascii ? 'ascii' : ''}">${escapeHtml(code.lines.join('\n'))}</pre>`
}

function listHtml(points: string[]): string {
  return `<ul>${points.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`
}

export interface SlideContext {
  lessonTitle: string
  video: string
  diagram?: DrawnDiagram | null
}

export function slideHtml(slide: Slide, context: SlideContext): string {
  let body: string
  let extraCss = ''
  switch (slide.kind) {
    case 'title':
      body = `<p class="module">Module ${escapeHtml(slide.video.split('.')[0]!)} · ${escapeHtml(slide.module)}</p>
        <h1>${escapeHtml(slide.heading)}</h1>${listHtml(slide.topics)}`
      break
    case 'diagram':
      if (context.diagram) {
        extraCss = context.diagram.css
        body = `<h1>${escapeHtml(slide.heading)}</h1><figure>${context.diagram.markup}</figure>`
      } else {
        body = `<h1>${escapeHtml(slide.heading)}</h1>${slide.fallback ? codeHtml(slide.fallback, true) : ''}`
      }
      break
    case 'points':
    case 'recap':
      body = `<h1>${escapeHtml(slide.heading)}</h1>${listHtml(slide.points)}`
      break
    case 'code':
      body = `<h1>${escapeHtml(slide.heading)}</h1>${codeHtml(slide.code)}`
      break
    case 'callout':
      body = `<div class="box"><p class="tone">${escapeHtml(slide.tone)}</p><h1>${escapeHtml(slide.heading)}</h1><p>${escapeHtml(slide.text)}</p></div>`
      break
  }
  const tone = slide.kind === 'callout' ? ` ${slide.tone}` : ''
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}${extraCss}</style></head>
<body class="${slide.kind}${tone}"><header><span><b>Lesson ${escapeHtml(context.video)}</b> · ${escapeHtml(context.lessonTitle)}</span>
<span>${escapeHtml(slide.chapter)}</span></header><main>${body}</main><footer></footer></body></html>`
}

export interface SlideRenderer {
  /** Screenshots `html` into `file` (PNG, or JPEG when the name ends in .jpg). */
  render(html: string, file: string): Promise<void>
  close(): Promise<void>
}

export async function openSlideRenderer(executablePath: string): Promise<SlideRenderer> {
  let browser: Browser
  try {
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
  } catch (error) {
    throw new Error(
      `Could not start Chromium at ${executablePath} (install it with \`apt-get install chromium\` or set CHROMIUM_PATH): ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    )
  }
  const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } })
  // Slides are self-contained; nothing may be fetched while drawing them.
  await page.route('**/*', (route) => route.abort())
  return {
    async render(html, file) {
      await page.setContent(html, { waitUntil: 'load' })
      await page.screenshot({
        path: file,
        type: file.endsWith('.jpg') ? 'jpeg' : 'png',
        quality: file.endsWith('.jpg') ? 85 : undefined,
      })
    },
    close: () => browser.close(),
  }
}
