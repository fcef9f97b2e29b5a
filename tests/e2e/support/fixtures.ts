import { test as base, expect, type Page } from '@playwright/test'
import { createTestAccount, type TestAccount } from './accounts'

export async function signIn(page: Page, account: Pick<TestAccount, 'email' | 'password'>, path = '/sign-in') {
  await page.goto(path)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** A browser page that fails the test on any console error or uncaught page error. */
export const test = base.extend<{ learner: TestAccount; instructor: TestAccount }>({
  page: async ({ page }, provide) => {
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('console', (message) => {
      // A 4xx answer the test provoked on purpose (wrong password, 403) logs a resource error.
      if (message.type() === 'error' && !/status of (401|403|404|422|400)/.test(message.text())) {
        problems.push(`console.error: ${message.text()}`)
      }
    })
    await provide(page)
    expect(problems, 'unexpected browser errors').toEqual([])
  },
  learner: async ({}, provide) => provide(await createTestAccount('learner')),
  instructor: async ({}, provide) => provide(await createTestAccount('instructor')),
})

export { expect }
