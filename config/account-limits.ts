// Limits on account fields, shared by the sign-up form (instant feedback) and the server (the rule).
export const accountLimits = {
  nameMax: 100,
  emailMax: 254,
  passwordMin: 10,
  passwordMax: 128,
} as const
