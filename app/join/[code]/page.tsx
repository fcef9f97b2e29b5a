import type { Metadata } from 'next'
import Link from 'next/link'
import { previewInvite } from '@/server/cohorts/join-cohort'
import { getCourse } from '@/server/content/catalog'
import { requireUser } from '@/server/session/current-user'
import { JoinForm } from '../join-form'

export const metadata: Metadata = { title: 'Join a cohort' }

const PROBLEM: Record<string, string> = {
  'not-found': 'No cohort uses this invite code. Check the link or the code with your instructor.',
  expired: 'This invite has expired. Ask your instructor for a new one.',
  revoked: 'This invite was withdrawn. Ask your instructor for a new one.',
  'used-up': 'This invite has been used as often as allowed. Ask your instructor for a new one.',
  archived: 'This cohort has been archived.',
}

export default async function JoinInvitePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params
  // Sign-in (or sign-up) first, then back here.
  await requireUser(`/join/${encodeURIComponent(code)}`)
  const invite = await previewInvite({ code: decodeURIComponent(code) })
  const course = invite.courseSlug ? await getCourse(invite.courseSlug) : undefined
  return (
    <div className="narrow card">
      <h1>Join a cohort</h1>
      {invite.status === 'active' && invite.cohortName ? (
        <>
          <p>
            You are invited to <strong>{invite.cohortName}</strong>
            {course ? (
              <>
                {' '}
                for <strong>{course.title}</strong>
              </>
            ) : null}
            . Its instructors will see your progress, quiz and lab results in this course.
          </p>
          <JoinForm code={decodeURIComponent(code)} cohortName={invite.cohortName} />
        </>
      ) : (
        <>
          <p role="alert" className="alert error">
            {PROBLEM[invite.status] ?? 'This invite cannot be used.'}
          </p>
          <p>
            <Link href="/join">Enter another code</Link>
          </p>
        </>
      )}
    </div>
  )
}
