// Limits on account fields, shared by the sign-up form (instant feedback) and the server (the rule).
export const accountLimits = {
  nameMax: 100,
  emailMax: 254,
  passwordMin: 10,
  passwordMax: 128,
} as const

// Renames once the account holds a certificate: the certificate keeps the name it was issued
// with, and a limit keeps a name from being swapped back and forth (docs/decisions/022).
export const renameLimits = {
  perWindow: 2,
  windowDays: 30,
} as const
