'use client'

import { useState, useSyncExternalStore, type ComponentProps } from 'react'
import { hasTerminal, runInTerminal, subscribeTerminal } from '@/app/_lib/terminal-bridge'
import styles from './mdx.module.css'

type PreProps = ComponentProps<'pre'> & {
  'data-lang'?: string
  'data-title'?: string
  'data-code'?: string
  'data-run'?: string
}

/** A highlighted code block (highlighted at compile time) with copy and run-in-terminal actions. */
export function CodeBlock(props: PreProps) {
  const {
    'data-lang': lang,
    'data-title': title,
    'data-code': code = '',
    'data-run': run,
    children,
    className,
  } = props
  const [copied, setCopied] = useState(false)
  const terminalOpen = useSyncExternalStore(subscribeTerminal, hasTerminal, () => false)

  async function copy() {
    try {
      await navigator.clipboard.writeText(code)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      setCopied(false)
    }
  }

  return (
    <figure className={styles.codeBlock} data-lang={lang}>
      <figcaption className={styles.codeHeader}>
        <span className={styles.codeTitle}>{title ?? (lang && lang !== 'text' ? lang : '')}</span>
        <span className={styles.codeActions}>
          {run === 'true' && terminalOpen && (
            <button type="button" className="button small" onClick={() => runInTerminal(code)}>
              ▶ Run in lab terminal
            </button>
          )}
          <button type="button" className="button small" onClick={copy} aria-live="polite">
            {copied ? 'Copied' : 'Copy'}
          </button>
        </span>
      </figcaption>
      <pre className={`${className ?? ''} ${styles.pre}`} data-lang={lang} data-code={code} tabIndex={0}>
        {children}
      </pre>
    </figure>
  )
}
