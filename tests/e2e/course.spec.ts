import { expect, signIn, test } from './support/fixtures'
import { backdateReadSession } from './support/reading-time'

test('a learner browses the course, completes a lesson and is offered to continue', async ({
  page,
  learner,
}) => {
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto('/courses')
  await page.getByRole('link', { name: 'Production Operations' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Production Operations' })).toBeVisible()
  await expect(page.getByTestId('course-percent')).toHaveText('0% complete')
  await expect(page.getByRole('heading', { name: /^Module \d:/ })).toHaveCount(7)

  await page.getByRole('link', { name: 'Start the course' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'High Availability Design' })).toBeVisible()
  await expect(page.getByTestId('no-recording')).toBeVisible()
  // The table of contents deep-links to each topic's heading.
  await page
    .getByRole('navigation', { name: 'On this page' })
    .getByRole('link', { name: 'Failover mechanisms' })
    .click()
  await expect(page).toHaveURL(/#failover-mechanisms$/)

  // The bookmark is the learner's own note; it does not count toward the grade.
  await page.getByRole('button', { name: 'Bookmark as done' }).click()
  await expect(page.getByTestId('lesson-bookmarked')).toBeVisible()
  await expect(page.getByTestId('completion-rule')).toContainText('does not count toward your grade')
  await expect(page.getByTestId('lesson-completed')).toHaveCount(0)
  // Reading it to the end after its reading time does.
  await backdateReadSession(learner.email, 'production-operations/high-availability-design', 15 * 60)
  // The end may already have been reached too soon above (the page then asks again later): reload to ask now.
  await page.reload()
  await page.getByRole('link', { name: /Next →/ }).scrollIntoViewIfNeeded()
  await expect(page.getByTestId('lesson-completed')).toBeVisible()
  await page.getByRole('link', { name: /Next →/ }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Database High Availability' })).toBeVisible()

  await page.goto('/courses/production-operations')
  // 1 of 19 lessons + 7 quizzes = 26 items: 4%.
  await expect(page.getByTestId('course-percent')).toHaveText('4% complete')

  await page.goto('/dashboard')
  await expect(page.getByTestId('continue-link')).toHaveText('Database High Availability')
})

test('search finds PgBouncer and lands on the right lesson section', async ({ page }) => {
  await page.goto('/')
  await page.getByRole('searchbox', { name: 'Search the course' }).fill('pgbouncer')
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/search\?q=pgbouncer/)
  const first = page.getByTestId('search-result').first()
  await expect(first).toContainText('Database Scaling')
  await first.getByRole('link').click()
  await expect(page).toHaveURL(/\/courses\/production-operations\/database-scaling(#[a-z-]+)?$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Database Scaling' })).toBeVisible()
})

test('code blocks are highlighted, copyable and keep the seed text', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto('/courses/production-operations/database-scaling')
  const block = page.locator('figure[data-lang="ini"]').first()
  await expect(block.locator('pre span[style*="--shiki"]').first()).toBeAttached()
  await block.getByRole('button', { name: 'Copy' }).click()
  await expect(block.getByRole('button', { name: 'Copied' })).toBeVisible()
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toContain('[pgbouncer]')
})

test('pages carry a nonce-based CSP that the page itself satisfies, and no framing', async ({ page }) => {
  const response = await page.goto('/courses')
  const headers = response!.headers()
  const csp = headers['content-security-policy'] ?? ''
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
  expect(nonce, 'a nonce in the CSP').toBeTruthy()
  expect(csp).toContain("frame-ancestors 'none'")
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
  expect(headers['permissions-policy']).toContain('camera=()')
  expect(headers['x-content-type-options']).toBe('nosniff')
  // http site: no HSTS (it would lock learners out of a plain-http install).
  expect(headers['strict-transport-security']).toBeUndefined()
  // Next's own scripts carry this request's nonce; the page hydrated (the theme toggle works).
  expect(await page.locator('script[src]').count()).toBeGreaterThan(0)
  await page.getByRole('button', { name: /Theme:/ }).click()
  // A second request gets a different nonce.
  const again = (await page.request.get('/courses')).headers()['content-security-policy'] ?? ''
  expect(/'nonce-([^']+)'/.exec(again)?.[1]).not.toBe(nonce)
})
