import 'server-only'
import { randomInt } from 'node:crypto'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { loadLearnerGrade } from '@/server/grading/load-learner-grade'
import type { CurrentUser } from '@/server/session/current-user'

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** A public verification code like "HXA-7K2M-QRX9-PD4T" (about 60 bits: not guessable). */
export function newCertificateCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')
  return `HXA-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
}

export type CertificateResult =
  { status: 'issued' | 'exists'; id: string; issuedAt: Date } | { status: 'incomplete'; remaining: number }

/**
 * Issues the learner's certificate for a course once every item is done (all lessons, every
 * quiz passed, every lab step passed or graded by hand). Idempotent: a learner has at most one
 * certificate per course, and it stays valid even if the course later grows.
 */
export async function issueCertificateIfComplete({
  user,
  courseSlug,
}: {
  user: Pick<CurrentUser, 'id' | 'role'>
  courseSlug: string
}): Promise<CertificateResult> {
  // The name printed on the certificate is frozen here: later renames never change it.
  const existing = await db().certificate.findUnique({
    where: { userId_courseSlug: { userId: user.id, courseSlug } },
    select: { id: true, issuedAt: true },
  })
  if (existing) return { status: 'exists', ...existing }
  const grade = await loadLearnerGrade({ actor: user, userId: user.id, courseSlug })
  if (!grade.complete)
    return { status: 'incomplete', remaining: grade.cells.filter((c) => c.status !== 'done').length }
  const { name: learnerName } = await db().user.findUniqueOrThrow({
    where: { id: user.id },
    select: { name: true },
  })
  const created = await db().certificate.upsert({
    where: { userId_courseSlug: { userId: user.id, courseSlug } },
    create: { id: newCertificateCode(), userId: user.id, courseSlug, learnerName },
    update: {},
    select: { id: true, issuedAt: true },
  })
  await recordAuditEvent({
    actorId: user.id,
    action: 'certificate.issue',
    targetUserId: user.id,
    details: { courseSlug, certificateId: created.id, learnerName },
  })
  return { status: 'issued', ...created }
}

export interface PublicCertificate {
  id: string
  learnerName: string
  courseTitle: string
  issuedAt: Date
}

/**
 * Anyone may verify a certificate by its code; only the name (as it was when issued), course
 * and date are shown.
 */
export async function verifyCertificate({ id }: { id: string }): Promise<PublicCertificate | null> {
  const row = await db().certificate.findUnique({
    where: { id: id.trim().toUpperCase() },
    select: { id: true, courseSlug: true, issuedAt: true, learnerName: true },
  })
  if (!row) return null
  const course = await getCourse(row.courseSlug)
  return {
    id: row.id,
    learnerName: row.learnerName,
    courseTitle: course?.title ?? row.courseSlug,
    issuedAt: row.issuedAt,
  }
}
