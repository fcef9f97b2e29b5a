// `npm run videos`: a narrated slide video for every lesson, written to
// <MEDIA_DIR>/generated/<lesson-slug>/ (video.mp4, captions.vtt, chapters.json, poster.jpg, then
// manifest.json last). Cached by content hash: a lesson is rendered again only when its source,
// its diagram, the voice or this generator changes (docs/decisions/036-generated-lesson-videos.md).
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  defaultContentRoot,
  listCourseSlugs,
  loadCourse,
  type Lesson,
} from '../../server/content/load-content'
import { lessonScript, sentences, type Slide } from './lesson-script'
import { drawDiagram, type DrawnDiagram } from './render-diagram'
import { HEIGHT, openSlideRenderer, slideHtml, WIDTH, type SlideRenderer } from './render-slides'
import { pcmSeconds, pickVoice, readWav, silence, writeWav, type Pcm, type Voice } from './speak'

const run = promisify(execFile)

/** Part of every content hash: bump it when the output of this generator changes. */
export const GENERATOR_VERSION = 'helix-videos/1'

const LEAD_IN_S = 0.4
const SENTENCE_GAP_S = 0.35
const SLIDE_GAP_S = 0.7
const MAX_CUE_CHARS = 90
// Slides are still: 5 frames per second costs a fifth of 25 in x264 and looks the same.
const FPS = 5

export interface Manifest {
  lessonSlug: string
  contentHash: string
  durationS: number
  generatedAt: string
  generator: string
}

export interface Chapter {
  startS: number
  title: string
}

export interface Cue {
  startS: number
  endS: number
  text: string
}

export interface GenerateOptions {
  mediaDir: string
  chromiumPath: string
  /** Lesson slugs to render; all lessons when empty. */
  slugs?: string[]
  contentRoot?: string
  log?: (line: string) => void
}

export interface LessonOutcome {
  slug: string
  status: 'generated' | 'up-to-date' | 'failed'
  /** Wall-clock seconds spent on this lesson. */
  seconds: number
  durationS?: number
  error?: string
}

export class VideoUsageError extends Error {}

/** Where the generated video of a lesson lives. */
export function generatedDir(mediaDir: string, slug: string): string {
  return path.join(mediaDir, 'generated', slug)
}

export async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest
  } catch {
    return null
  }
}

async function allLessons(contentRoot: string): Promise<Lesson[]> {
  const lessons: Lesson[] = []
  for (const course of await listCourseSlugs(contentRoot))
    lessons.push(...(await loadCourse(course, contentRoot)).lessons)
  return lessons
}

export function contentHash(lesson: Lesson, voice: Voice, diagram: DrawnDiagram | null): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        GENERATOR_VERSION,
        voice.id,
        lesson.moduleTitle,
        lesson.source,
        diagram?.markup ?? null,
      ]),
    )
    .digest('hex')
}

/** A long sentence as several caption cues, split at clause boundaries, timed by length. */
export function cuesFor(sentence: string, startS: number, endS: number): Cue[] {
  const parts: string[] = []
  let rest = sentence
  while (rest.length > MAX_CUE_CHARS) {
    const window = rest.slice(0, MAX_CUE_CHARS)
    const cut = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '), window.lastIndexOf(': '))
    const at = cut > MAX_CUE_CHARS / 3 ? cut + 1 : window.lastIndexOf(' ')
    if (at <= 0) break
    parts.push(rest.slice(0, at).trim())
    rest = rest.slice(at).trim()
  }
  if (rest) parts.push(rest)
  const total = parts.reduce((n, p) => n + p.length, 0)
  let t = startS
  return parts.map((text, i) => {
    const end = i === parts.length - 1 ? endS : t + ((endS - startS) * text.length) / total
    const cue = { startS: t, endS: end, text }
    t = end
    return cue
  })
}

function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`
}

export function webVtt(cues: Cue[]): string {
  const body = cues.map((c, i) => `${i + 1}\n${vttTime(c.startS)} --> ${vttTime(c.endS)}\n${c.text}\n`)
  return `WEBVTT\n\n${body.join('\n')}`
}

interface Timeline {
  pcm: Buffer[]
  format: Omit<Pcm, 'data'>
  slideSeconds: number[]
  cues: Cue[]
  chapters: Chapter[]
  totalS: number
}

/** Lays the spoken sentences end to end with pauses; the slide and cue times follow from it. */
async function timeline(slides: Slide[], wavFiles: string[][]): Promise<Timeline> {
  const pcm: Buffer[] = []
  const cues: Cue[] = []
  const chapters: Chapter[] = []
  const slideSeconds: number[] = []
  let format: Omit<Pcm, 'data'> | undefined
  let t = 0
  const pause = (seconds: number) => {
    pcm.push(silence(format!, seconds))
    t += seconds
  }
  for (const [i, slide] of slides.entries()) {
    const slideStart = t
    if (chapters.at(-1)?.title !== slide.chapter)
      chapters.push({ startS: round(slideStart), title: slide.chapter })
    for (const [j, file] of wavFiles[i]!.entries()) {
      const wav = await readWav(file)
      if (!format) {
        format = { sampleRate: wav.sampleRate, channels: wav.channels, bitsPerSample: wav.bitsPerSample }
        pause(LEAD_IN_S)
      } else if (wav.sampleRate !== format.sampleRate || wav.channels !== format.channels) {
        throw new Error(
          `the voice wrote ${path.basename(file)} in another audio format than the sentences before`,
        )
      }
      if (j > 0) pause(SENTENCE_GAP_S)
      const seconds = pcmSeconds(wav)
      cues.push(...cuesFor(slide.narration[j]!, t, t + seconds))
      pcm.push(wav.data)
      t += seconds
    }
    pause(SLIDE_GAP_S)
    slideSeconds.push(t - slideStart)
  }
  if (!format) throw new Error('the lesson has nothing to narrate')
  return { pcm, format, slideSeconds, cues, chapters, totalS: t }
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000

async function ffprobeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    file,
  ])
  return Number(stdout.trim())
}

async function assemble(
  work: string,
  slidePngs: string[],
  slideSeconds: number[],
  audio: string,
  totalS: number,
) {
  // The concat demuxer shows each image for its duration; the last one is listed twice
  // because the demuxer ignores the duration of the final entry.
  const list = ['ffconcat version 1.0']
  slidePngs.forEach((png, i) =>
    list.push(`file '${path.basename(png)}'`, `duration ${slideSeconds[i]!.toFixed(3)}`),
  )
  list.push(`file '${path.basename(slidePngs.at(-1)!)}'`)
  const listFile = path.join(path.dirname(slidePngs[0]!), 'slides.ffconcat')
  await writeFile(listFile, `${list.join('\n')}\n`)
  const out = path.join(work, 'video.mp4')
  await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'concat', '-safe', '0', '-i', listFile, '-i', audio],
      ...['-vf', `fps=${FPS},scale=${WIDTH}:${HEIGHT},format=yuv420p`],
      ...[
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-tune',
        'stillimage',
        '-crf',
        '22',
        '-g',
        String(FPS * 10),
      ],
      ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '1'],
      ...['-t', totalS.toFixed(3), '-movflags', '+faststart', out],
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  )
  return out
}

async function writeAtomic(file: string, text: string) {
  await writeFile(`${file}.tmp`, text)
  await rename(`${file}.tmp`, file)
}

interface Session {
  voice: Voice
  renderer(): Promise<SlideRenderer>
}

async function renderLesson(
  lesson: Lesson,
  diagram: DrawnDiagram | null,
  hash: string,
  mediaDir: string,
  session: Session,
) {
  const root = path.join(mediaDir, 'generated')
  const work = path.join(root, `.staging-${lesson.slug}`)
  await rm(work, { recursive: true, force: true })
  await mkdir(path.join(work, 'audio'), { recursive: true })
  await mkdir(path.join(work, 'slides'), { recursive: true })

  const slides = lessonScript({ ...lesson, labs: lesson.labs ?? [] }).map((slide): Slide => {
    if (slide.kind !== 'diagram' || !diagram?.description) return slide
    return { ...slide, narration: sentences(diagram.description) }
  })
  const flat = slides.flatMap((s, i) => s.narration.map((text, j) => ({ text, i, j })))
  const wavFiles = slides.map((s, i) =>
    s.narration.map((_, j) =>
      path.join(work, 'audio', `${String(i).padStart(2, '0')}-${String(j).padStart(2, '0')}.wav`),
    ),
  )
  await session.voice.synthesize(
    flat.map((f) => f.text),
    flat.map((f) => wavFiles[f.i]![f.j]!),
  )
  const plan = await timeline(slides, wavFiles)
  const audio = path.join(work, 'narration.wav')
  await writeWav(audio, plan.format, plan.pcm)

  const renderer = await session.renderer()
  const context = { lessonTitle: lesson.title, video: lesson.video, diagram }
  const pngs: string[] = []
  for (const [i, slide] of slides.entries()) {
    const png = path.join(work, 'slides', `${String(i).padStart(2, '0')}.png`)
    await renderer.render(slideHtml(slide, context), png)
    pngs.push(png)
  }
  await renderer.render(slideHtml(slides[0]!, context), path.join(work, 'poster.jpg'))
  const video = await assemble(work, pngs, plan.slideSeconds, audio, plan.totalS)
  const durationS = round(await ffprobeDuration(video))
  await writeFile(path.join(work, 'captions.vtt'), webVtt(plan.cues))
  await writeFile(path.join(work, 'chapters.json'), `${JSON.stringify(plan.chapters, null, 2)}\n`)

  // Publish: without its manifest the folder is not served, so the old manifest goes first,
  // the files move in, and the new manifest is renamed into place last.
  const out = generatedDir(mediaDir, lesson.slug)
  await mkdir(out, { recursive: true })
  await unlink(path.join(out, 'manifest.json')).catch(() => {})
  for (const name of ['video.mp4', 'captions.vtt', 'chapters.json', 'poster.jpg']) {
    await rename(path.join(work, name), path.join(out, name))
  }
  const manifest: Manifest = {
    lessonSlug: lesson.slug,
    contentHash: hash,
    durationS,
    generatedAt: new Date().toISOString(),
    generator: `${GENERATOR_VERSION} (${session.voice.id})`,
  }
  await writeAtomic(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  await rm(work, { recursive: true, force: true })
  return durationS
}

export interface Progress {
  state: 'running' | 'done'
  total: number
  done: number
  failed: number
  current: string | null
  updatedAt: string
}

/** Only one generator per media folder; a lock left by a dead process is taken over. */
async function takeLock(root: string): Promise<() => Promise<void>> {
  const lock = path.join(root, '.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' })
      return () => unlink(lock).catch(() => {})
    } catch {
      const pid = Number(await readFile(lock, 'utf8').catch(() => ''))
      let alive = false
      try {
        if (pid > 0) process.kill(pid, 0)
        alive = pid > 0
      } catch {
        alive = false
      }
      if (alive) {
        throw new VideoUsageError(
          `Narrated videos are already being generated into ${root} (process ${pid}).`,
        )
      }
      await unlink(lock).catch(() => {})
    }
  }
  throw new VideoUsageError(`Could not lock ${lock}.`)
}

export async function generateVideos(options: GenerateOptions): Promise<LessonOutcome[]> {
  const log = options.log ?? ((line: string) => console.log(line))
  const lessons = await allLessons(options.contentRoot ?? defaultContentRoot)
  const wanted = options.slugs ?? []
  const unknown = wanted.filter((slug) => !lessons.some((l) => l.slug === slug))
  if (unknown.length > 0) {
    throw new VideoUsageError(
      `No lesson with the slug ${unknown.map((s) => `"${s}"`).join(', ')}. Lessons: ${lessons.map((l) => l.slug).join(', ')}`,
    )
  }
  const chosen = wanted.length > 0 ? lessons.filter((l) => wanted.includes(l.slug)) : lessons
  const voice = await pickVoice()
  const root = path.join(options.mediaDir, 'generated')
  await mkdir(root, { recursive: true })
  const unlock = await takeLock(root)
  let renderer: Promise<SlideRenderer> | undefined
  const session: Session = { voice, renderer: () => (renderer ??= openSlideRenderer(options.chromiumPath)) }
  const outcomes: LessonOutcome[] = []
  const progress = (current: string | null, state: Progress['state'] = 'running') =>
    writeAtomic(
      path.join(root, 'progress.json'),
      `${JSON.stringify({
        state,
        total: chosen.length,
        done: outcomes.filter((o) => o.status !== 'failed').length,
        failed: outcomes.filter((o) => o.status === 'failed').length,
        current,
        updatedAt: new Date().toISOString(),
      } satisfies Progress)}\n`,
    )
  try {
    // Leftovers of an interrupted run are never served (no manifest) and are redone.
    for (const name of await readdir(root)) {
      if (name.startsWith('.staging-')) await rm(path.join(root, name), { recursive: true, force: true })
    }
    for (const [n, lesson] of chosen.entries()) {
      const started = performance.now()
      const tag = `[${n + 1}/${chosen.length}] ${lesson.slug}`
      const seconds = () => Math.round((performance.now() - started) / 100) / 10
      try {
        const hasDiagram = lessonScript({ ...lesson, labs: [] }).find((s) => s.kind === 'diagram')
        const diagram =
          hasDiagram?.kind === 'diagram' ? await drawDiagram(hasDiagram.name).catch(() => null) : null
        const hash = contentHash(lesson, voice, diagram)
        const dir = generatedDir(options.mediaDir, lesson.slug)
        const manifest = await readManifest(dir)
        if (manifest?.contentHash === hash && existsSync(path.join(dir, 'video.mp4'))) {
          outcomes.push({
            slug: lesson.slug,
            status: 'up-to-date',
            seconds: seconds(),
            durationS: manifest.durationS,
          })
          log(`${tag}: up to date`)
          continue
        }
        await progress(lesson.slug)
        log(`${tag}: rendering…`)
        const durationS = await renderLesson(lesson, diagram, hash, options.mediaDir, session)
        outcomes.push({ slug: lesson.slug, status: 'generated', seconds: seconds(), durationS })
        log(`${tag}: done in ${seconds()} s (video ${formatDuration(durationS)})`)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        outcomes.push({ slug: lesson.slug, status: 'failed', seconds: seconds(), error: message })
        log(`${tag}: failed: ${message}`)
      }
    }
    await progress(null, 'done')
  } finally {
    if (renderer) await (await renderer.catch(() => undefined))?.close()
    await unlock()
  }
  return outcomes
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}
