import { expect, signIn, test } from './support/fixtures'

test('a learner gets 403 on instructor and admin pages', async ({ page, learner }) => {
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  for (const path of ['/instructor', '/admin', '/admin/status']) {
    const response = await page.goto(path)
    expect(response?.status(), path).toBe(403)
    await expect(page.getByRole('heading', { name: '403 — Not allowed' })).toBeVisible()
  }
  await expect(page.getByRole('link', { name: 'Instructor' })).toHaveCount(0)
})

test('a signed-out visitor is sent to sign-in and back to the page afterwards', async ({
  page,
  instructor,
}) => {
  await page.goto('/instructor')
  await expect(page).toHaveURL(/\/sign-in\?next=%2Finstructor$/)
  await page.getByLabel('Email').fill(instructor.email)
  await page.getByLabel('Password').fill(instructor.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/instructor$/)
  await expect(page.getByRole('heading', { name: 'Instructor' })).toBeVisible()
  const adminResponse = await page.goto('/admin')
  expect(adminResponse?.status()).toBe(403)
})

test('the health endpoint reports app and database', async ({ request }) => {
  const response = await request.get('/api/health')
  expect(response.status()).toBe(200)
  expect(await response.json()).toMatchObject({
    status: 'ok',
    app: { status: 'ok' },
    database: { status: 'ok' },
  })
})
