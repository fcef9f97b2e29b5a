// Reads the fenced code blocks of the course seed (the product owner's course text), for the
// test that proves every one of them appears verbatim in the rendered lessons.
export interface SeedBlock {
  video: string | null
  lang: string
  code: string
}

/** Fences count only at column 0: the seed nests indented fences inside its runbook example. */
export function parseSeedBlocks(markdown: string): SeedBlock[] {
  const blocks: SeedBlock[] = []
  let video: string | null = null
  let open: { lang: string; lines: string[] } | null = null
  for (const line of markdown.split('\n')) {
    if (open) {
      if (line === '```') {
        blocks.push({ video, lang: open.lang, code: open.lines.join('\n') })
        open = null
      } else {
        open.lines.push(line)
      }
      continue
    }
    const heading = /^### Video (\d+\.\d+):/.exec(line)
    if (heading) video = heading[1] ?? null
    else if (/^## /.test(line)) video = null
    const fence = /^```(\S*)\s*$/.exec(line)
    if (fence) open = { lang: fence[1] || 'text', lines: [] }
  }
  return blocks
}

export interface SeedVideo {
  moduleNumber: number
  moduleTitle: string
  video: string
  title: string
  durationMinutes: number
  topics: string[]
}

export function parseSeedOutline(markdown: string): SeedVideo[] {
  const videos: SeedVideo[] = []
  let moduleNumber = 0
  let moduleTitle = ''
  let current: SeedVideo | null = null
  let inTopics = false
  for (const line of markdown.split('\n')) {
    const mod = /^## Module (\d+): (.+)$/.exec(line)
    if (mod) {
      moduleNumber = Number(mod[1])
      moduleTitle = mod[2]!.trim()
      continue
    }
    const vid = /^### Video (\d+\.\d+): (.+) \((\d+) min\)$/.exec(line)
    if (vid) {
      current = { moduleNumber, moduleTitle, video: vid[1]!, title: vid[2]!.trim(), durationMinutes: Number(vid[3]), topics: [] }
      videos.push(current)
      inTopics = false
      continue
    }
    if (line.startsWith('**Topics:**')) inTopics = true
    else if (inTopics && line.startsWith('- ') && current) current.topics.push(line.slice(2).trim())
    else if (inTopics && line.trim() !== '') inTopics = false
  }
  return videos
}
