// Collects the page outline (h2/h3 with their ids, for the table of contents) and the plain text
// under each heading (for search with deep links). Runs after rehype-slug has set the ids.
import type { Element, Root } from 'hast'
import { toString } from 'hast-util-to-string'

export interface Heading {
  id: string
  depth: 2 | 3
  title: string
}

export interface Section {
  /** Heading id, or '' for the text before the first heading. */
  id: string
  title: string
  text: string
}

export function rehypeOutline(options: { headings: Heading[]; sections: Section[] }) {
  return (tree: Root) => {
    let current: Section = { id: '', title: '', text: '' }
    options.sections.push(current)
    for (const node of tree.children) {
      if (node.type !== 'element') continue
      const el = node as Element
      if (el.tagName === 'h2' || el.tagName === 'h3') {
        const id = String(el.properties.id ?? '')
        const title = toString(el)
        options.headings.push({ id, depth: el.tagName === 'h2' ? 2 : 3, title })
        current = { id, title, text: '' }
        options.sections.push(current)
      } else {
        const text = el.tagName === 'pre' ? String(el.properties.dataCode ?? toString(el)) : toString(el)
        current.text += `${text}\n`
      }
    }
  }
}
