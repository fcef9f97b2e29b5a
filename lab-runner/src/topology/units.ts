// Compose's size and duration notations, turned into the numbers the Engine API expects.

const sizeUnits: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** "256m" → 268435456. Compose units are binary (k = 1024). */
export function parseByteSize(value: number | string): number {
  if (typeof value === 'number') return value
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim())
  if (!match) throw new Error(`not a size: "${value}"`)
  const unit = sizeUnits[(match[2] ?? '').toLowerCase()] ?? 1
  return Math.round(Number(match[1]) * unit)
}

const durationUnits: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }

/** "1m30s" → 90e9 nanoseconds. */
export function parseDurationNs(value: string): number {
  let total = 0
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)) {
    total += Number(match[1]) * (durationUnits[match[2] ?? 's'] ?? 1e9)
  }
  return Math.round(total)
}

/** Splits a command string into words the way Compose does (POSIX shell quoting, no expansion). */
export function splitShellWords(text: string): string[] {
  const words: string[] = []
  let current = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quote === "'") {
      if (ch === "'") quote = null
      else current += ch
    } else if (quote === '"') {
      if (ch === '"') quote = null
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string))
        current += text[++i]
      else current += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i]
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current)
      current = ''
      inWord = false
    } else {
      current += ch
      inWord = true
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in "${text}"`)
  if (inWord) words.push(current)
  return words
}
