'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import styles from '../../instructor.module.css'

const TABS = [
  { href: '', label: 'Progress' },
  { href: '/members', label: 'Learners & invites' },
  { href: '/gradebook', label: 'Gradebook' },
  { href: '/quizzes', label: 'Quiz policy' },
  { href: '/analytics', label: 'Lab analytics' },
  { href: '/live', label: 'Live labs' },
]

export function CohortTabs({ cohortId }: { cohortId: string }) {
  const pathname = usePathname()
  const base = `/instructor/cohorts/${cohortId}`
  return (
    <nav className={styles.tabs} aria-label="Cohort">
      {TABS.map((tab) => {
        const href = `${base}${tab.href}`
        const current = tab.href === '' ? pathname === base : pathname.startsWith(href)
        return (
          <Link key={tab.href} href={href} aria-current={current ? 'page' : undefined}>
            {tab.label}
          </Link>
        )
      })}
    </nav>
  )
}
