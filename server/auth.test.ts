// Sign-up and sign-in rules enforced by the server itself (the browser form is only a convenience).
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { getAuth } from './auth'
import { db } from './db'

const email = () => `u-${randomUUID().slice(0, 8)}@example.test`
const signUp = (body: { name: string; email: string; password: string }) =>
  getAuth().api.signUpEmail({ body, asResponse: true })

describe('accounts', () => {
  it('creates a learner with a hashed password and a database session', async () => {
    const address = email()
    const res = await signUp({ name: 'Ada', email: address, password: 'correct-horse-battery' })
    expect(res.status).toBe(200)
    const user = await db().user.findUniqueOrThrow({
      where: { email: address },
      select: { role: true, accounts: { select: { password: true } }, sessions: { select: { id: true } } },
    })
    expect(user.role).toBe('learner')
    expect(user.accounts[0]?.password).not.toContain('correct-horse-battery')
    expect(user.sessions).toHaveLength(1)
  })

  it.each([
    ['a weak password', { name: 'Bob', password: 'short' }, 'PASSWORD_TOO_SHORT'],
    ['an over-long password', { name: 'Bob', password: 'p'.repeat(129) }, 'PASSWORD_TOO_LONG'],
    ['an over-long name', { name: 'n'.repeat(101), password: 'long-enough-password' }, 'too long'],
    ['an empty name', { name: '   ', password: 'long-enough-password' }, 'Enter your name'],
  ])('refuses %s and creates nothing', async (_label, fields, expected) => {
    const address = email()
    const res = await signUp({ ...fields, email: address })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain(expected)
    expect(await db().user.count({ where: { email: address } })).toBe(0)
  })

  it('refuses a duplicate email and keeps the first account', async () => {
    const address = email()
    await signUp({ name: 'First', email: address, password: 'first-password-1' })
    const res = await signUp({ name: 'Second', email: address, password: 'second-password-2' })
    expect(res.status).toBe(422)
    const users = await db().user.findMany({ where: { email: address }, select: { name: true } })
    expect(users).toEqual([{ name: 'First' }])
  })

  it('ignores a role smuggled into sign-up', async () => {
    const address = email()
    const body = { name: 'Mallory', email: address, password: 'sneaky-password', role: 'admin' }
    const res = await getAuth().api.signUpEmail({ body, asResponse: true })
    // A field marked `input: false` is dropped: the account is created as a plain learner.
    expect(res.status).toBe(200)
    const user = await db().user.findUniqueOrThrow({ where: { email: address }, select: { role: true } })
    expect(user.role).toBe('learner')
  })

  it('rejects a wrong password', async () => {
    const address = email()
    await signUp({ name: 'Cy', email: address, password: 'the-right-password' })
    const res = await getAuth().api.signInEmail({
      body: { email: address, password: 'the-wrong-password' },
      asResponse: true,
    })
    expect(res.status).toBe(401)
  })
})
