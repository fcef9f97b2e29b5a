// Compose-style variable interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR`,
// and `$$` for a literal dollar. Applied to every string value of a topology before it is
// validated, so per-sandbox values (seed, secrets) reach environment, command and healthcheck.

export type Variables = Readonly<Record<string, string>>

export type InterpolationResult = { ok: true; value: string } | { ok: false; missing: string[] }

const pattern = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g

export function interpolate(text: string, variables: Variables): InterpolationResult {
  const missing: string[] = []
  const value = text.replace(
    pattern,
    (
      _match,
      dollar: string | undefined,
      braced: string | undefined,
      op: string | undefined,
      fallback: string | undefined,
      bare: string | undefined,
    ) => {
      if (dollar) return '$'
      const name = (braced ?? bare) as string
      const current = Object.hasOwn(variables, name) ? variables[name] : undefined
      if (op === ':-') return current === undefined || current === '' ? (fallback ?? '') : current
      if (op === '-') return current === undefined ? (fallback ?? '') : current
      if (current === undefined) {
        missing.push(name)
        return ''
      }
      return current
    },
  )
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value }
}

export interface PathedError {
  path: Array<string | number>
  message: string
}

/** Interpolates every string in a parsed YAML tree (values only, never keys). */
export function interpolateTree(
  node: unknown,
  variables: Variables,
  path: Array<string | number> = [],
  errors: PathedError[] = [],
): unknown {
  if (typeof node === 'string') {
    const result = interpolate(node, variables)
    if (result.ok) return result.value
    errors.push({
      path,
      message: `undefined variable ${result.missing.map((m) => `\${${m}}`).join(', ')} (give a default with \${NAME:-value})`,
    })
    return node
  }
  if (Array.isArray(node))
    return node.map((item, index) => interpolateTree(item, variables, [...path, index], errors))
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      // x-academy blocks hold runner settings, not strings meant for containers.
      out[key] = key === 'x-academy' ? value : interpolateTree(value, variables, [...path, key], errors)
    }
    return out
  }
  return node
}
