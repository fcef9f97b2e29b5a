import { getMDXComponent } from 'mdx-bundler/client'
import type { ComponentProps } from 'react'
import { Checklist, Item } from '@/app/_components/checklist/checklist'
import { IncidentReportForm } from '@/app/_components/incident-report/incident-report-form'
import { Callout } from './callout'
import { CodeBlock } from './code-block'
import { Diagram } from './diagram'
import { Step, Steps } from './steps'
import { Tab, Tabs } from './tabs'
import styles from './mdx.module.css'

// The only components MDX content may use (see docs/decisions/005-course-content-and-mdx.md).
const components = {
  Callout,
  Tabs,
  Tab,
  Steps,
  Step,
  Diagram,
  Checklist,
  Item,
  IncidentReportForm,
  pre: CodeBlock,
  a: (props: ComponentProps<'a'>) => {
    const external = props.href?.startsWith('http')
    return <a {...props} {...(external ? { target: '_blank', rel: 'noreferrer' } : {})} />
  },
}

// Evaluating compiled code builds a component; keep one per distinct code string.
const evaluated = new Map<string, ReturnType<typeof getMDXComponent>>()

function contentComponent(code: string) {
  let Content = evaluated.get(code)
  if (!Content) {
    Content = getMDXComponent(code)
    evaluated.set(code, Content)
  }
  return Content
}

/** Renders compiled MDX on the server; only the interactive components hydrate in the browser. */
export function MdxContent({ code }: { code: string }) {
  const Content = contentComponent(code)
  return (
    <div className={styles.prose}>
      {/* eslint-disable-next-line react-hooks/static-components -- one component per compiled code string, cached above, never re-created */}
      <Content components={components} />
    </div>
  )
}
