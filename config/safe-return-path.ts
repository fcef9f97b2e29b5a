/**
 * Where to go after sign-in. Only same-site paths are allowed, so a crafted link cannot
 * bounce a learner to another site ("//evil.example" and "/\evil" are protocol-relative).
 */
export function safeReturnPath(value: string | null | undefined, fallback = '/dashboard'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  return value
}
