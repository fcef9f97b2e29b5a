import { readFile } from 'node:fs/promises'
import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { LabWorkspace, type WorkspaceLab } from '@/app/_components/lab/lab-workspace'
import { MdxContent } from '@/app/_components/mdx/mdx-content'
import { compileMdx } from '@/server/content/compile-mdx'
import { getLabState } from '@/server/labs/get-lab-state'
import { getLab } from '@/server/labs/list-labs'
import { requireUser } from '@/server/session/current-user'
import styles from '../labs.module.css'

type Params = { params: Promise<{ slug: string }> }

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const lab = await getLab((await params).slug)
  return { title: lab?.title ?? 'Lab not found', description: lab?.summary }
}

export default async function LabPage({ params }: Params) {
  const { slug } = await params
  const user = await requireUser(`/labs/${slug}`)
  const lab = await getLab(slug)
  if (!lab) notFound()
  const [state, steps] = await Promise.all([
    getLabState({ user, labSlug: slug }),
    Promise.all(
      lab.steps.map(async (step) => {
        const source = await readFile(step.instructionsFile, 'utf8')
        const compiled = await compileMdx(source, step.instructionsFile)
        return {
          id: step.id,
          title: step.title,
          points: step.points,
          requires: step.requires,
          // Instructions that open with their own heading need no second title above them.
          showTitle: !/^\s*#\s/.test(source),
          instructions: <MdxContent code={compiled.code} />,
        }
      }),
    ),
  ])
  const workspace: WorkspaceLab = {
    slug: lab.slug,
    title: lab.title,
    services: lab.services,
    shellHosts: lab.shellHosts,
    hasEditableFiles: lab.editableFiles.length > 0,
    serviceTabs: lab.serviceTabs.map(({ label, host, port }) => ({ label, host, port })),
    ...(lab.dashboard ? { dashboard: { file: lab.dashboard.file } } : {}),
    steps,
  }
  return (
    <>
      <div className={styles.header}>
        <div className={styles.breadcrumb}>
          <Link href="/labs">Hands-on labs</Link>
        </div>
        <h1>{lab.title}</h1>
        <p className="muted">{lab.summary}</p>
      </div>
      <LabWorkspace lab={workspace} initialState={state} />
    </>
  )
}
