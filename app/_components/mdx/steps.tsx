import type { ReactNode } from 'react'
import styles from './mdx.module.css'

export function Steps({ children }: { children: ReactNode }) {
  return <ol className={styles.steps}>{children}</ol>
}

export function Step({ title, children }: { title: string; children: ReactNode }) {
  return (
    <li className={styles.step}>
      <div className={styles.stepTitle}>{title}</div>
      <div>{children}</div>
    </li>
  )
}
