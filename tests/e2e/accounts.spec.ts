import { newAccountDetails } from './support/accounts'
import { expect, signIn, test } from './support/fixtures'

test('sign up, sign out and sign in again', async ({ page }) => {
  const account = newAccountDetails()
  await page.goto('/sign-up')
  await page.getByLabel('Name').fill(account.name)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Create account' }).click()

  await expect(page).toHaveURL(/\/dashboard$/)
  await expect(page.getByRole('heading', { name: `Welcome, ${account.name}` })).toBeVisible()
  await expect(page.getByText('Continue where you left off')).toBeVisible()

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible()
  await page.goto('/dashboard')
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdashboard$/)

  await signIn(page, account)
  await expect(page).toHaveURL(/\/dashboard$/)
  await expect(page.getByTestId('signed-in-as')).toHaveText(account.name)
})

test('a wrong password says so and signs nobody in', async ({ page, learner }) => {
  await signIn(page, { email: learner.email, password: 'not-the-password' })
  await expect(page.getByRole('alert').filter({ hasText: /\w/ })).toContainText('do not match an account')
  await expect(page).toHaveURL(/\/sign-in/)
  await page.goto('/dashboard')
  await expect(page).toHaveURL(/\/sign-in/)
})

test('sign-up refuses a duplicate email, a weak password and over-long fields', async ({ page, learner }) => {
  await page.goto('/sign-up')
  await page.getByLabel('Name').fill('Someone Else')
  await page.getByLabel('Email').fill(learner.email)
  await page.getByLabel('Password').fill('a-long-enough-password')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('alert').filter({ hasText: /\w/ })).toContainText('already exists')

  await page.getByLabel('Email').fill('weak@example.test')
  await page.getByLabel('Password').fill('short')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('Use at least 10 characters.')).toBeVisible()

  await page.getByLabel('Name').fill('x'.repeat(101))
  await page.getByLabel('Password').fill('a-long-enough-password')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('Use at most 100 characters.')).toBeVisible()

  // Nothing was created: the weak-password email cannot sign in.
  await signIn(page, { email: 'weak@example.test', password: 'short' })
  await expect(page.getByRole('alert').filter({ hasText: /\w/ })).toBeVisible()
})

test('a signed-in learner sent to sign-in with a crafted return address stays on this site', async ({
  page,
  learner,
}) => {
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  const origin = new URL(page.url()).origin
  // %09 is a tab, which browsers drop from a Location header: "//evil.example" would leave the site.
  for (const next of ['/%09/evil.example', '//evil.example', '/%5Cevil.example', 'https:evil.example']) {
    await page.goto(`/sign-in?next=${next}`)
    expect(new URL(page.url()).origin).toBe(origin)
    await expect(page).toHaveURL(/\/dashboard$/)
  }
  // A genuine return path still works.
  await page.goto(`/sign-in?next=${encodeURIComponent('/labs')}`)
  await expect(page).toHaveURL(/\/labs$/)
})
