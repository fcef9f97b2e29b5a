'use client'

import { createAuthClient } from 'better-auth/react'

export const authClient = createAuthClient()

/** Turns Better Auth's error codes into messages that say what to do next. */
export function describeAuthError(error: { code?: string; message?: string; status?: number }): string {
  switch (error.code) {
    case 'INVALID_EMAIL_OR_PASSWORD':
      return 'That email and password do not match an account. Check them, or create an account.'
    case 'USER_ALREADY_EXISTS':
    case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
      return 'An account with this email already exists. Sign in instead, or use another email.'
    case 'PASSWORD_TOO_SHORT':
      return 'Password is too short: use at least 10 characters.'
    case 'PASSWORD_TOO_LONG':
      return 'Password is too long: use at most 128 characters.'
    case 'INVALID_EMAIL':
      return 'Enter a valid email address, like ada@example.com.'
  }
  if (error.status === 429) return 'Too many attempts. Wait a minute and try again.'
  return error.message || 'Something went wrong. Try again.'
}
