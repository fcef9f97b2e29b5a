'use client'

import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { authClient, describeAuthError } from '@/app/_lib/auth-client'
import { accountLimits } from '@/config/account-limits'

type Field = 'name' | 'email' | 'password'

function validate(name: string, email: string, password: string): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {}
  if (!name) problems.name = 'Enter your name.'
  else if (name.length > accountLimits.nameMax)
    problems.name = `Use at most ${accountLimits.nameMax} characters.`
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    problems.email = 'Enter a valid email address, like ada@example.com.'
  else if (email.length > accountLimits.emailMax)
    problems.email = `Use at most ${accountLimits.emailMax} characters.`
  if (password.length < accountLimits.passwordMin)
    problems.password = `Use at least ${accountLimits.passwordMin} characters.`
  else if (password.length > accountLimits.passwordMax)
    problems.password = `Use at most ${accountLimits.passwordMax} characters.`
  return problems
}

export function SignUpForm({ next }: { next: string }) {
  const router = useRouter()
  const [error, setError] = useState<string | null>(null)
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({})
  const [pending, setPending] = useState(false)

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const name = String(form.get('name') ?? '').trim()
    const email = String(form.get('email') ?? '').trim()
    const password = String(form.get('password') ?? '')
    const found = validate(name, email, password)
    setProblems(found)
    setError(null)
    if (Object.keys(found).length > 0) return
    setPending(true)
    // Coming from an invite link (/join/<code>): the code lets an invite-only site accept the sign-up.
    const invite = /^\/join\/([^/?#]+)/.exec(next)?.[1]
    const { error } = await authClient.signUp.email({
      name,
      email,
      password,
      ...(invite ? { inviteCode: decodeURIComponent(invite) } : {}),
    })
    setPending(false)
    if (error) return setError(describeAuthError(error))
    router.replace(next)
    router.refresh()
  }

  const fieldProps = (field: Field) => ({
    'aria-invalid': problems[field] ? true : undefined,
    'aria-describedby': problems[field] ? `${field}-problem` : undefined,
  })

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      {error && (
        <div className="alert error" role="alert">
          {error}
        </div>
      )}
      <label>
        Name
        <input name="name" autoComplete="name" required {...fieldProps('name')} />
        {problems.name && (
          <span id="name-problem" className="field-hint" role="alert">
            {problems.name}
          </span>
        )}
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="email" required {...fieldProps('email')} />
        {problems.email && (
          <span id="email-problem" className="field-hint" role="alert">
            {problems.email}
          </span>
        )}
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          {...fieldProps('password')}
        />
        <span id="password-problem" className="field-hint" role={problems.password ? 'alert' : undefined}>
          {problems.password ?? `At least ${accountLimits.passwordMin} characters.`}
        </span>
      </label>
      <button className="button primary" type="submit" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account'}
      </button>
      <p className="muted">
        Already have an account? <Link href={`/sign-in?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </form>
  )
}
