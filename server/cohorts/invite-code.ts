import { randomInt } from 'node:crypto'

// No 0/O, 1/I/L: codes are read aloud in class and typed from a projector.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** A random invite code like "K7QX-M2PA-9RTD" (about 64 bits). */
export function newInviteCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)])
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-')
}

/** Accepts what people type: any case, spaces or missing dashes. */
export function normalizeInviteCode(typed: string): string {
  const compact = typed.toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (compact.length !== 12) return compact
  return `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`
}
