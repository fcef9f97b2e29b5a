import 'server-only'
// Who may create an account (SIGN_UP_MODE): anyone, holders of a live cohort invite link, or
// addresses at SIGN_UP_DOMAINS. Enforced in Better Auth's user-creation hook (server/auth.ts), so
// every sign-up path obeys it; `npm run admin:create` is the operator's way around it.
import { webConfig } from '@/server/config'
import { previewInvite } from '@/server/cohorts/join-cohort'

/** Why this sign-up is refused, in words for the person signing up; null when it is allowed. */
export async function signUpRefusal(options: { email: string; inviteCode: unknown }): Promise<string | null> {
  const config = webConfig()
  if (config.SIGN_UP_MODE === 'open') return null
  if (config.SIGN_UP_MODE === 'domains') {
    const domain = options.email.slice(options.email.lastIndexOf('@') + 1).toLowerCase()
    if (config.SIGN_UP_DOMAINS.includes(domain)) return null
    return `Sign-up here is open to addresses at ${config.SIGN_UP_DOMAINS.join(', ')} only. Use such an address, or ask an administrator to create your account.`
  }
  const code = typeof options.inviteCode === 'string' ? options.inviteCode.trim() : ''
  if (!code) {
    return 'Sign-up here needs an invite. Open the invite link your instructor sent you, then create your account from there.'
  }
  const invite = await previewInvite({ code })
  if (invite.status === 'active') return null
  return 'This invite link is no longer valid (expired, withdrawn or used up). Ask your instructor for a new one.'
}
