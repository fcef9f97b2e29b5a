/**
 * Where to go after sign-in. The target is resolved the way a browser would resolve it against
 * the site's own URL (`PUBLIC_URL`) and must stay on that origin, so a crafted link cannot bounce
 * a learner to another site. Text checks alone are not enough: browsers drop tabs and newlines
 * (`/\t/evil.example` becomes `//evil.example`) and read `\` as `/`.
 */
export function safeReturnPath(
  value: string | null | undefined,
  siteUrl: string,
  fallback = '/dashboard',
): string {
  // Only site-relative paths: never a scheme ("https:evil", "javascript:") or a bare host.
  if (!value || !value.startsWith('/')) return fallback
  // Control characters and backslashes have no business in our paths; browsers rewrite them.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback
  const site = new URL(siteUrl)
  let target: URL
  try {
    target = new URL(value, site)
  } catch {
    return fallback
  }
  if (target.origin !== site.origin) return fallback
  const path = `${target.pathname}${target.search}${target.hash}`
  // "/.//evil.example" resolves to the path "//evil.example", which a Location header would
  // read as another host.
  if (path.startsWith('//')) return fallback
  return path
}
