import 'server-only'
import { betterAuth } from 'better-auth'
import { prismaAdapter } from 'better-auth/adapters/prisma'
import { APIError } from 'better-auth/api'
import { nextCookies } from 'better-auth/next-js'
import { accountLimits } from '@/config/account-limits'
import { CLIENT_ADDRESS_HEADER } from '@/config/client-address'
import { checkRename } from './users/check-rename'
import { webConfig } from './config'
import { db } from './db'
import { signUpRefusal } from './users/sign-up-policy'

function createAuth() {
  const config = webConfig()
  return betterAuth({
    appName: 'Helix Academy',
    baseURL: config.PUBLIC_URL,
    secret: config.BETTER_AUTH_SECRET,
    database: prismaAdapter(db(), { provider: 'postgresql' }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: accountLimits.passwordMin,
      maxPasswordLength: accountLimits.passwordMax,
      autoSignIn: true,
    },
    // Production default limits (e.g. 3 sign-in attempts per 10 s per client); see README.
    // Counted in the database (table rate_limits), not in this process: with two web app
    // instances behind HAProxy, a guesser must not get twice the attempts.
    rateLimit: { enabled: config.AUTH_RATE_LIMIT === 'on', storage: 'database', modelName: 'rateLimit' },
    advanced: {
      // Only the address our own server stamped (scripts/web-server.ts: the socket's, or what a
      // TRUSTED_PROXIES proxy forwarded). X-Forwarded-For straight from a client is never read.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 14,
      updateAge: 60 * 60 * 24,
    },
    user: {
      additionalFields: {
        // Never settable at sign-up: roles are granted by an admin or the CLI.
        role: { type: 'string', required: false, defaultValue: 'learner', input: false },
      },
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user, context) => {
            // The invite code travels with the sign-up request (the sign-up form sends it when
            // the learner came from an invite link).
            const body: unknown = context?.body
            const inviteCode =
              body && typeof body === 'object' && 'inviteCode' in body ? body.inviteCode : undefined
            const refusal = await signUpRefusal({ email: user.email, inviteCode })
            if (refusal) throw new APIError('FORBIDDEN', { message: refusal })
            const name = user.name.trim()
            if (name.length === 0) throw new APIError('BAD_REQUEST', { message: 'Enter your name.' })
            if (name.length > accountLimits.nameMax) {
              throw new APIError('BAD_REQUEST', {
                message: `Name is too long: use at most ${accountLimits.nameMax} characters.`,
              })
            }
            if (user.email.length > accountLimits.emailMax) {
              throw new APIError('BAD_REQUEST', {
                message: `Email is too long: use at most ${accountLimits.emailMax} characters.`,
              })
            }
            return { data: { ...user, name } }
          },
        },
        update: {
          // Renames are limited and audited; issued certificates keep their frozen name.
          before: async (user, context) => {
            if (typeof user.name !== 'string') return
            const userId = context?.context.session?.user.id
            if (!userId) throw new APIError('UNAUTHORIZED', { message: 'Sign in to change your name.' })
            const name = user.name.trim()
            if (name.length === 0) throw new APIError('BAD_REQUEST', { message: 'Enter your name.' })
            if (name.length > accountLimits.nameMax) {
              throw new APIError('BAD_REQUEST', {
                message: `Name is too long: use at most ${accountLimits.nameMax} characters.`,
              })
            }
            const check = await checkRename({ userId, newName: name })
            if (check.status === 'refused')
              throw new APIError('TOO_MANY_REQUESTS', { message: check.message })
            return { data: { ...user, name } }
          },
        },
      },
    },
    plugins: [nextCookies()],
  })
}

let instance: ReturnType<typeof createAuth> | undefined

/** Better Auth, configured on first use (never at build time, when no database is configured). */
export function getAuth() {
  instance ??= createAuth()
  return instance
}
