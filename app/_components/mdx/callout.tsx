import type { ReactNode } from 'react'
import styles from './mdx.module.css'

const ICON = { note: 'ℹ', tip: '✓', warning: '!', danger: '✕' } as const
const LABEL = { note: 'Note', tip: 'Tip', warning: 'Warning', danger: 'Danger' } as const

export function Callout({
  type = 'note',
  title,
  children,
}: {
  type?: keyof typeof ICON
  title?: string
  children: ReactNode
}) {
  const kind = type in ICON ? type : 'note'
  return (
    <aside className={`${styles.callout} ${styles[kind]}`} aria-label={title ?? LABEL[kind]}>
      <div className={styles.calloutTitle}>
        <span aria-hidden="true" className={styles.calloutIcon}>
          {ICON[kind]}
        </span>
        {title ?? LABEL[kind]}
      </div>
      <div>{children}</div>
    </aside>
  )
}
