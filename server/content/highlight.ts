import { createHighlighter, type Highlighter, type ShikiTransformer } from 'shiki'
import { promqlGrammar } from './promql-grammar'

export const highlightedLanguages = ['yaml', 'go', 'sql', 'ini', 'bash', 'json', 'markdown', 'dockerfile', 'nginx'] as const
const aliases: Record<string, string> = { sh: 'bash', shell: 'bash', yml: 'yaml', md: 'markdown', conf: 'ini' }

let highlighter: Promise<Highlighter> | undefined

export function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({
    themes: ['github-light', 'github-dark'],
    langs: [...highlightedLanguages, promqlGrammar as never],
  })
  return highlighter
}

export function resolveLanguage(lang: string | undefined, loaded: string[]): string {
  const name = lang ? (aliases[lang] ?? lang) : 'text'
  return loaded.includes(name) ? name : 'text'
}

/** Marks the given 1-based lines so CSS can highlight them. */
export function lineHighlighter(lines: Set<number>): ShikiTransformer {
  return {
    name: 'academy:highlight-lines',
    line(node, line) {
      if (lines.has(line)) this.addClassToHast(node, 'highlighted')
    },
  }
}
