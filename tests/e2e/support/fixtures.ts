import { test as base, expect, type Page } from '@playwright/test'
import { createTestAccount, type TestAccount } from './accounts'
import { watchBrowserProblems } from './browser-problems'

/** Statuses the specs provoke on purpose: bad input, wrong password, another user's page, a missing one. */
export const PROVOKED_STATUSES = [400, 401, 403, 404, 422]

export async function signIn(
  page: Page,
  account: Pick<TestAccount, 'email' | 'password'>,
  path = '/sign-in',
) {
  await page.goto(path)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** A browser page that fails the test on any console error or uncaught page error. */
export const test = base.extend<{
  learner: TestAccount
  instructor: TestAccount
  author: TestAccount
  /** Network errors a spec provokes on purpose (a connection it drops); `test.use` to set. */
  provokedNetworkErrors: RegExp | undefined
}>({
  provokedNetworkErrors: [undefined, { option: true }],
  page: async ({ page, provokedNetworkErrors }, provide) => {
    // A 4xx answer the test provoked on purpose (wrong password, 403) logs a resource error.
    const problems = watchBrowserProblems(page, {
      provokedStatuses: PROVOKED_STATUSES,
      provokedNetworkErrors,
    })
    await provide(page)
    expect(problems, 'unexpected browser errors').toEqual([])
  },
  learner: async ({}, provide) => provide(await createTestAccount('learner')),
  instructor: async ({}, provide) => provide(await createTestAccount('instructor')),
  author: async ({}, provide) => provide(await createTestAccount('author')),
})

export { expect }
