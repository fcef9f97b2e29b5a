import 'server-only'
import MiniSearch from 'minisearch'
import { listCourses, listRunbooks } from '@/server/content/catalog'
import { compileMdx } from '@/server/content/compile-mdx'

export interface SearchDoc {
  id: string
  kind: 'lesson' | 'runbook' | 'page'
  pageTitle: string
  heading: string
  url: string
  text: string
  code: string
}

export interface SearchHit {
  url: string
  kind: SearchDoc['kind']
  pageTitle: string
  heading: string
  snippet: string
}

let index: Promise<{ search: MiniSearch<SearchDoc>; docs: Map<string, SearchDoc> }> | undefined

async function collectDocs(): Promise<SearchDoc[]> {
  const docs: SearchDoc[] = []
  const add = async (
    kind: SearchDoc['kind'],
    pageTitle: string,
    baseUrl: string,
    source: string,
    file: string,
  ) => {
    const compiled = await compileMdx(source, file)
    for (const section of compiled.sections) {
      const code = compiled.codeBlocks
        .filter((b) => section.text.includes(b.code))
        .map((b) => b.code)
        .join('\n')
      docs.push({
        id: `${baseUrl}#${section.id}`,
        kind,
        pageTitle,
        heading: section.title,
        url: section.id ? `${baseUrl}#${section.id}` : baseUrl,
        text: section.text,
        code,
      })
    }
  }
  for (const course of await listCourses()) {
    for (const lesson of course.lessons) {
      await add('lesson', lesson.title, `/courses/${course.slug}/${lesson.slug}`, lesson.source, lesson.file)
    }
    for (const page of course.pages) {
      await add('page', page.title, `/courses/${course.slug}/pages/${page.slug}`, page.source, page.file)
    }
  }
  for (const runbook of await listRunbooks()) {
    await add('runbook', runbook.title, `/runbooks/${runbook.slug}`, runbook.source, runbook.file)
  }
  return docs
}

function buildIndex() {
  index ??= (async () => {
    const docs = await collectDocs()
    const search = new MiniSearch<SearchDoc>({
      fields: ['pageTitle', 'heading', 'text', 'code'],
      storeFields: ['id'],
      searchOptions: {
        boost: { pageTitle: 4, heading: 3, code: 1.5 },
        prefix: true,
        fuzzy: 0.15,
        combineWith: 'AND',
      },
    })
    search.addAll(docs)
    return { search, docs: new Map(docs.map((d) => [d.id, d])) }
  })()
  index.catch(() => (index = undefined))
  return index
}

function snippet(text: string, terms: string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const lower = flat.toLowerCase()
  const at = Math.min(...terms.map((t) => lower.indexOf(t.toLowerCase())).filter((i) => i >= 0), flat.length)
  const start = Math.max(0, (at === flat.length ? 0 : at) - 80)
  return `${start > 0 ? '…' : ''}${flat.slice(start, start + 220)}${start + 220 < flat.length ? '…' : ''}`
}

export async function searchContent(query: string, limit = 20): Promise<SearchHit[]> {
  const q = query.trim().slice(0, 200)
  if (!q) return []
  const { search, docs } = await buildIndex()
  return search
    .search(q)
    .slice(0, limit)
    .map((result) => {
      const doc = docs.get(String(result.id))!
      return {
        url: doc.url,
        kind: doc.kind,
        pageTitle: doc.pageTitle,
        heading: doc.heading,
        snippet: snippet(`${doc.text}`, result.terms),
      }
    })
}
