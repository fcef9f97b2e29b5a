// Highlights fenced code at compile time (no highlighting JavaScript reaches the browser) and
// keeps what the CodeBlock component needs: language, title, the exact source text, run flag.
import type { Element, ElementContent, Root } from 'hast'
import { toString } from 'hast-util-to-string'
import { visit } from 'unist-util-visit'
import { parseCodeMeta } from './code-meta'
import { getHighlighter, lineHighlighter, resolveLanguage } from './highlight'

export interface CodeBlockInfo {
  lang: string
  title?: string
  code: string
  run: boolean
}

export function rehypeCodeBlocks(options: { collect: CodeBlockInfo[] }) {
  return async (tree: Root) => {
    const highlighter = await getHighlighter()
    const loaded = highlighter.getLoadedLanguages()
    visit(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'pre' || !parent || index === undefined) return
      const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code')
      if (!code) return
      const classes = (code.properties.className as string[] | undefined) ?? []
      const lang = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? 'text'
      const meta = parseCodeMeta((code.data as { meta?: string } | undefined)?.meta)
      // Markdown gives the block a trailing newline that is not part of the author's text.
      const text = toString(code).replace(/\n$/, '')
      options.collect.push({ lang, title: meta.title, code: text, run: meta.run })
      const highlighted = highlighter.codeToHast(text, {
        lang: resolveLanguage(lang, loaded),
        themes: { light: 'github-light', dark: 'github-dark' },
        defaultColor: false,
        transformers: [lineHighlighter(meta.highlight)],
      })
      const shikiPre = highlighted.children[0] as Element
      const replacement: Element = {
        type: 'element',
        tagName: 'pre',
        properties: {
          className: shikiPre.properties.className,
          dataLang: lang,
          dataTitle: meta.title,
          dataCode: text,
          dataRun: meta.run ? 'true' : undefined,
        },
        children: shikiPre.children as ElementContent[],
      }
      parent.children[index] = replacement
      return 'skip'
    })
  }
}
