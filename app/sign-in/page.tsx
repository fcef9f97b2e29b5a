import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { SignInForm } from './sign-in-form'
import { safeReturnPath } from '@/config/safe-return-path'
import { webConfig } from '@/server/config'
import { getCurrentUser } from '@/server/session/current-user'

export const metadata: Metadata = { title: 'Sign in' }

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeReturnPath((await searchParams).next, webConfig().PUBLIC_URL)
  if (await getCurrentUser()) redirect(next)
  return (
    <div className="narrow card">
      <h1>Sign in</h1>
      <SignInForm next={next} />
    </div>
  )
}
