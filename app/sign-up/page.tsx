import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { SignUpForm } from './sign-up-form'
import { safeReturnPath } from '@/config/safe-return-path'
import { webConfig } from '@/server/config'
import { getCurrentUser } from '@/server/session/current-user'

export const metadata: Metadata = { title: 'Create your account' }

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await searchParams).next, webConfig().PUBLIC_URL)
  if (await getCurrentUser()) redirect(next)
  return (
    <div className="narrow card">
      <h1>Create your account</h1>
      <p className="muted">Free, self-hosted, and your progress stays on this server.</p>
      <SignUpForm next={next} />
    </div>
  )
}
