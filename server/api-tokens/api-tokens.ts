import 'server-only'
import { createHash, randomBytes } from 'node:crypto'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { assertStaff } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser, Role } from '@/server/session/current-user'

// Tokens look like `hxa_<43 base64url chars>` (256 random bits); the prefix lets secret
// scanners and people recognise them. Only a SHA-256 hash is stored: a fast hash is right for
// long random secrets (no dictionary to guess from), and it makes lookup a single index probe.
const PREFIX = 'hxa_'

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** What a token may do: read grades, and/or write grade overrides. */
export const TOKEN_SCOPES = ['grades:read', 'overrides:write'] as const
export type TokenScope = (typeof TOKEN_SCOPES)[number]

export const TOKEN_EXPIRY_DAYS = { default: 90, max: 365 } as const

function parseScopes(scopes: readonly string[]): TokenScope[] {
  const unique = [...new Set(scopes)]
  const unknown = unique.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s))
  if (unknown.length > 0) {
    throw new AppError(
      'invalid',
      `Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: use ${TOKEN_SCOPES.join(' and/or ')}.`,
    )
  }
  if (unique.length === 0)
    throw new AppError('invalid', `Choose what the token may do: ${TOKEN_SCOPES.join(' and/or ')}.`)
  return unique as TokenScope[]
}

export interface ApiTokenRow {
  id: string
  name: string
  scopes: string[]
  expiresAt: Date | null
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

/**
 * Creates a token for the actor with the given scopes, expiring after `expiresInDays` (at most
 * a year); the plain token is returned here once and never again.
 */
export async function createApiToken({
  actor,
  name,
  scopes = ['grades:read'],
  expiresInDays = TOKEN_EXPIRY_DAYS.default,
}: {
  actor: CurrentUser
  name: string
  scopes?: readonly string[]
  expiresInDays?: number
}): Promise<{ id: string; token: string; expiresAt: Date }> {
  assertStaff(actor)
  const label = name.trim()
  if (label.length < 1 || label.length > 80)
    throw new AppError('invalid', 'Name the token (1 to 80 characters), e.g. "CI grader".')
  const granted = parseScopes(scopes)
  if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > TOKEN_EXPIRY_DAYS.max) {
    throw new AppError('invalid', `A token expires after 1 to ${TOKEN_EXPIRY_DAYS.max} days (whole days).`)
  }
  const expiresAt = new Date(Date.now() + expiresInDays * 24 * 3600_000)
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`
  const row = await db().apiToken.create({
    data: { userId: actor.id, name: label, tokenHash: hashApiToken(token), scopes: granted, expiresAt },
    select: { id: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'api-token.create',
    details: { tokenId: row.id, name: label, scopes: granted, expiresAt: expiresAt.toISOString() },
  })
  return { id: row.id, token, expiresAt }
}

export async function listApiTokens({ actor }: { actor: CurrentUser }): Promise<ApiTokenRow[]> {
  assertStaff(actor)
  return db().apiToken.findMany({
    where: { userId: actor.id },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      name: true,
      scopes: true,
      expiresAt: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
    },
  })
}

export async function revokeApiToken({
  actor,
  tokenId,
}: {
  actor: CurrentUser
  tokenId: string
}): Promise<void> {
  assertStaff(actor)
  const updated = await db().apiToken.updateMany({
    // Admins may revoke anyone's token (e.g. a leaked one); instructors only their own.
    where: { id: tokenId, revokedAt: null, ...(actor.role === 'admin' ? {} : { userId: actor.id }) },
    data: { revokedAt: new Date() },
  })
  if (updated.count === 0) throw new AppError('not-found', 'No active token with that id is yours to revoke.')
  await recordAuditEvent({ actorId: actor.id, action: 'api-token.revoke', details: { tokenId } })
}

export type TokenAuthResult =
  | {
      status: 'ok'
      tokenId: string
      scopes: string[]
      actor: { id: string; name: string; email: string; role: Role }
    }
  | { status: 'missing' | 'invalid' }
  | { status: 'revoked' | 'expired' | 'not-staff'; tokenId: string; ownerId: string }

/**
 * Resolves an `Authorization: Bearer hxa_...` header to its owner. The owner's current role
 * counts, so demoting an instructor disables their tokens at once.
 */
export async function authenticateApiToken(authorization: string | null): Promise<TokenAuthResult> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')
  if (!match?.[1]) return { status: 'missing' }
  const token = match[1]
  if (!token.startsWith(PREFIX)) return { status: 'invalid' }
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: {
      id: true,
      revokedAt: true,
      expiresAt: true,
      scopes: true,
      lastUsedAt: true,
      user: { select: { id: true, name: true, email: true, role: true } },
    },
  })
  if (!row) return { status: 'invalid' }
  const known = { tokenId: row.id, ownerId: row.user.id }
  if (row.revokedAt) return { status: 'revoked', ...known }
  // A token without an expiry predates expiries; the migration gave every one a date.
  if (!row.expiresAt || row.expiresAt.getTime() <= Date.now()) return { status: 'expired', ...known }
  if (row.user.role === 'learner') return { status: 'not-staff', ...known }
  // Coarse last-used stamp: at most one write a minute per token.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({
      where: { id: row.id },
      data: { lastUsedAt: new Date() },
      select: { id: true },
    })
  }
  return { status: 'ok', tokenId: row.id, scopes: row.scopes, actor: row.user }
}
