// Red team, issue 12 gap 5 (accounts side): a stranger cannot farm accounts on a closed site,
// and labs opened to cohort members only refuse everyone else. Real Better Auth, real PostgreSQL.
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'

const SETTINGS = ['SIGN_UP_MODE', 'SIGN_UP_DOMAINS', 'LAB_ACCESS'] as const

/** Fresh modules under the given settings (the web app reads its configuration once). */
async function withSettings(settings: Partial<Record<(typeof SETTINGS)[number], string>>) {
  vi.resetModules()
  for (const name of SETTINGS) delete process.env[name]
  Object.assign(process.env, settings)
  return {
    auth: (await import('@/server/auth')).getAuth(),
    db: (await import('@/server/db')).db,
    labAccess: await import('@/server/labs/lab-access'),
  }
}

afterEach(() => {
  for (const name of SETTINGS) delete process.env[name]
})

const address = (domain = 'example.test') => `u-${randomUUID().slice(0, 8)}@${domain}`

async function signUp(auth: Awaited<ReturnType<typeof withSettings>>['auth'], body: Record<string, string>) {
  const res = await auth.api.signUpEmail({
    body: { name: 'Mallory', password: 'long-enough-password', email: address(), ...body } as {
      name: string
      email: string
      password: string
    },
    asResponse: true,
  })
  return { status: res.status, text: await res.text() }
}

async function newCohortInvite(
  db: Awaited<ReturnType<typeof withSettings>>['db'],
  state: 'active' | 'expired',
) {
  const staffId = randomUUID()
  await db().user.create({
    data: { id: staffId, name: 'Staff', email: `staff-${staffId}@example.test`, role: 'instructor' },
  })
  const cohort = await db().cohort.create({
    data: { name: 'Cohort', courseSlug: 'production-operations', createdById: staffId },
    select: { id: true },
  })
  const code = `RT${randomUUID().slice(0, 8).toUpperCase()}`
  const expiresAt = new Date(Date.now() + (state === 'active' ? 1 : -1) * 86_400_000)
  await db().cohortInvite.create({ data: { cohortId: cohort.id, code, createdById: staffId, expiresAt } })
  return { cohortId: cohort.id, code }
}

describe('sign-up modes', () => {
  it('invite-only: refuses a sign-up without an invite or with a dead one, accepts a live invite', async () => {
    const { auth, db } = await withSettings({ SIGN_UP_MODE: 'invite-only' })
    const strangerEmail = address()
    const stranger = await signUp(auth, { email: strangerEmail })
    expect(stranger.status).toBe(403)
    expect(stranger.text).toContain('needs an invite')
    expect(await db().user.count({ where: { email: strangerEmail } })).toBe(0)

    expect((await signUp(auth, { inviteCode: 'NOSUCHCODE' })).text).toContain('no longer valid')
    const expired = await newCohortInvite(db, 'expired')
    expect((await signUp(auth, { inviteCode: expired.code })).status).toBe(403)

    const live = await newCohortInvite(db, 'active')
    expect((await signUp(auth, { inviteCode: live.code })).status).toBe(200)
  })

  it('domains: only addresses at the allowed domains may sign up', async () => {
    const { auth } = await withSettings({ SIGN_UP_MODE: 'domains', SIGN_UP_DOMAINS: 'corp.example' })
    const outsider = await signUp(auth, { email: address('evil.example') })
    expect(outsider.status).toBe(403)
    expect(outsider.text).toContain('corp.example only')
    // A look-alike sub-domain of another site is not the allowed domain.
    expect((await signUp(auth, { email: address('corp.example.evil.example') })).status).toBe(403)
    expect((await signUp(auth, { email: address('Corp.Example') })).status).toBe(200)
  })

  it('open (the default): anyone may sign up', async () => {
    const { auth } = await withSettings({})
    expect((await signUp(auth, {})).status).toBe(200)
  })
})

describe('labs for cohort members only', () => {
  it('refuses a learner outside every cohort, admits members and staff', async () => {
    const { db, labAccess } = await withSettings({ LAB_ACCESS: 'cohort-members' })
    const learnerId = randomUUID()
    await db().user.create({ data: { id: learnerId, name: 'Lee', email: `lee-${learnerId}@example.test` } })
    const learner = { id: learnerId, role: 'learner' as const }
    await expect(labAccess.assertMayUseLabs(learner)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('cohort members only'),
    })
    const { cohortId } = await newCohortInvite(db, 'active')
    await db().cohortMember.create({ data: { cohortId, userId: learnerId } })
    await expect(labAccess.assertMayUseLabs(learner)).resolves.toBeUndefined()
    // Removed from the cohort: refused again.
    await db().cohortMember.update({
      where: { cohortId_userId: { cohortId, userId: learnerId } },
      data: { removedAt: new Date() },
    })
    await expect(labAccess.assertMayUseLabs(learner)).rejects.toMatchObject({ status: 403 })
    await expect(
      labAccess.assertMayUseLabs({ id: randomUUID(), role: 'instructor' }),
    ).resolves.toBeUndefined()
  })
})
