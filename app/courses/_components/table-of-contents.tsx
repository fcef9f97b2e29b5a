import type { Heading } from '@/server/content/rehype-outline'
import styles from './course.module.css'

export function TableOfContents({ headings }: { headings: Heading[] }) {
  if (headings.length === 0) return null
  return (
    <nav aria-label="On this page" className={styles.toc}>
      <div className={styles.tocTitle}>On this page</div>
      <ul>
        {headings.map((h) => (
          <li key={h.id} className={h.depth === 3 ? styles.tocDepth3 : undefined}>
            <a href={`#${h.id}`}>{h.title}</a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
