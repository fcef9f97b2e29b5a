// Parses a fenced code block's meta string: title="backup.sh" {3,5-7} run
export interface CodeMeta {
  title?: string
  highlight: Set<number>
  run: boolean
}

export function parseCodeMeta(meta: string | undefined | null): CodeMeta {
  const result: CodeMeta = { highlight: new Set(), run: false }
  if (!meta) return result
  const title = /title=(?:"([^"]*)"|'([^']*)')/.exec(meta)
  if (title) result.title = title[1] ?? title[2]
  const rest = meta.replace(/title=(?:"[^"]*"|'[^']*')/, ' ')
  const ranges = /\{([\d,\s-]+)\}/.exec(rest)
  if (ranges?.[1]) {
    for (const part of ranges[1].split(',')) {
      const [from, to] = part.trim().split('-').map(Number)
      if (!from) continue
      for (let n = from; n <= (to ?? from); n++) result.highlight.add(n)
    }
  }
  result.run = /(^|\s)run(\s|$)/.test(rest.replace(/\{[^}]*\}/, ' '))
  return result
}
