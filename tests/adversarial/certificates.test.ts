// Attack: change the account's name after a certificate was issued, so the public certificate
// shows someone else's name (issue 11, item 7). The certificate must keep the name it was
// issued with, renames after it are limited, and every rename and refusal is audited.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { renameLimits } from '@/config/account-limits'
import { getAuth } from '@/server/auth'
import { issueCertificateIfComplete, verifyCertificate } from '@/server/certificates/certificates'
import { db } from '@/server/db'
import { auditActions, completeCourse, COURSE } from './support'

async function signUp(name: string) {
  const email = `cert-${randomUUID().slice(0, 8)}@example.test`
  const res = await getAuth().api.signUpEmail({
    body: { name, email, password: 'long-enough-password' },
    asResponse: true,
  })
  expect(res.status).toBe(200)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
  const { id } = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } })
  return { id, cookie }
}

function rename(cookie: string, name: string) {
  return getAuth().api.updateUser({ body: { name }, headers: new Headers({ cookie }), asResponse: true })
}

describe('adversarial: certificate names', () => {
  it('a rename after issue never changes the certificate; renames beyond the limit are refused and audited', async () => {
    const learner = await signUp('Grace Hopper')
    await completeCourse(learner.id)
    const issued = await issueCertificateIfComplete({
      user: { id: learner.id, role: 'learner' },
      courseSlug: COURSE,
    })
    if (issued.status === 'incomplete') throw new Error(`not issued: ${issued.remaining} items left`)

    for (let i = 0; i < renameLimits.perWindow; i += 1) {
      expect((await rename(learner.cookie, `Someone Else ${i}`)).status).toBe(200)
    }
    const refused = await rename(learner.cookie, 'Yet Another Name')
    expect(refused.status).toBe(429)
    expect(await refused.text()).toContain(
      `at most ${renameLimits.perWindow} times in ${renameLimits.windowDays} days`,
    )

    const user = await db().user.findUniqueOrThrow({ where: { id: learner.id }, select: { name: true } })
    expect(user.name).toBe(`Someone Else ${renameLimits.perWindow - 1}`)
    expect(await verifyCertificate({ id: issued.id })).toMatchObject({ learnerName: 'Grace Hopper' })
    expect(await db().certificate.count({ where: { userId: learner.id } })).toBe(1)
    // Re-issuing answers with the existing certificate; it is never re-printed with the new name.
    expect(
      await issueCertificateIfComplete({ user: { id: learner.id, role: 'learner' }, courseSlug: COURSE }),
    ).toMatchObject({
      status: 'exists',
      id: issued.id,
    })
    expect(await verifyCertificate({ id: issued.id })).toMatchObject({ learnerName: 'Grace Hopper' })

    const actions = await auditActions(learner.id)
    expect(actions.filter((a) => a === 'account.rename')).toHaveLength(renameLimits.perWindow)
    expect(actions).toContain('account.rename.refused')
    expect(actions).toContain('certificate.issue')
  })

  it('renames before any certificate are free (but audited)', async () => {
    const learner = await signUp('Ada Lovelace')
    for (let i = 0; i <= renameLimits.perWindow; i += 1) {
      expect((await rename(learner.cookie, `Ada ${i}`)).status).toBe(200)
    }
    expect((await auditActions(learner.id)).filter((a) => a === 'account.rename')).toHaveLength(
      renameLimits.perWindow + 1,
    )
  })
})
