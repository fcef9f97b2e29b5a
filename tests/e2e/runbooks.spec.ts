import { readFile } from 'node:fs/promises'
import { expect, signIn, test } from './support/fixtures'

test('ticked runbook steps are saved per learner and survive a reload; Reset clears them', async ({
  page,
  learner,
}) => {
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto('/runbooks/provider-degradation')

  const investigation = page.locator('[data-checklist="investigation"]')
  const progress = page.getByTestId('checklist-progress-investigation')
  await expect(progress).toHaveText('0 of 5 steps done')

  const statusStep = investigation.getByRole('checkbox', { name: /Check provider status/ })
  const logsStep = investigation.getByRole('checkbox', { name: /Read the errors in the logs/ })
  // Each tick is saved by a server action (a POST); wait for it before reloading.
  for (const step of [statusStep, logsStep]) {
    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && r.ok())
    await step.check()
    await saved
  }
  await expect(progress).toHaveText('2 of 5 steps done')
  await expect(page.getByTestId('checklist-progress-recovery')).toHaveText('0 of 2 steps done')

  await page.reload()
  await expect(statusStep).toBeChecked()
  await expect(logsStep).toBeChecked()
  await expect(investigation.getByRole('checkbox', { name: /Review provider metrics/ })).not.toBeChecked()
  await expect(progress).toHaveText('2 of 5 steps done')

  // Unticking one, then resetting the checklist.
  const unticked = page.waitForResponse((r) => r.request().method() === 'POST' && r.ok())
  await logsStep.uncheck()
  await unticked
  const reset = page.waitForResponse((r) => r.request().method() === 'POST' && r.ok())
  await investigation.getByRole('button', { name: 'Reset' }).click()
  await reset
  await expect(progress).toHaveText('0 of 5 steps done')
  await page.reload()
  await expect(statusStep).not.toBeChecked()
  await expect(progress).toHaveText('0 of 5 steps done')
})

test('a signed-out visitor can tick steps but is told they are not saved', async ({ page }) => {
  await page.goto('/runbooks/on-call-escalation')
  const checklist = page.locator('[data-checklist="when-paged"]')
  await expect(checklist.getByText('Your ticks are not saved.')).toBeVisible()
  await checklist.getByRole('checkbox', { name: /Acknowledge the page/ }).check()
  await expect(page.getByTestId('checklist-progress-when-paged')).toHaveText('1 of 6 steps done')
  await page.reload()
  await expect(checklist.getByRole('checkbox', { name: /Acknowledge the page/ })).not.toBeChecked()
})

test('a learner fills in the incident report, downloads it as Markdown and finds the draft saved', async ({
  page,
  learner,
}) => {
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto('/runbooks/incident-report-template')
  const form = page.getByRole('form', { name: 'Incident report' })
  await expect(form).toBeVisible()
  await expect(page.getByTestId('incident-report-completeness')).toContainText('Still missing')

  await form.getByLabel('Incident ID', { exact: true }).fill('INCIDENT-0042')
  await form.getByLabel('Title', { exact: true }).fill('Degraded chat completions from provider deepseek')
  await form.getByLabel('Severity', { exact: true }).selectOption('P2')
  await form.getByLabel('Duration', { exact: true }).fill('2026-03-14 14:02 - 14:47 UTC')
  await form.getByLabel('Impact', { exact: true }).fill('18% of chat completions failed')

  // Two rows to start with; add a third, then remove the second.
  const times = form.getByLabel('Time (UTC)', { exact: true })
  const events = form.getByLabel('Event', { exact: true })
  await times.nth(0).fill('14:05')
  await events.nth(0).fill('ProviderDegraded alert triggered')
  await times.nth(1).fill('14:07')
  await events.nth(1).fill('A row that will be removed')
  await form.getByRole('button', { name: 'Add timeline entry' }).click()
  await times.nth(2).fill('14:47')
  await events.nth(2).fill('Incident resolved')
  await form.getByRole('button', { name: 'Remove timeline entry 2' }).click()
  await expect(times).toHaveCount(2)

  await form.getByLabel('Root cause', { exact: true }).fill('The rate limiter was enforced per instance.')
  await form
    .getByLabel('Resolution', { exact: true })
    .fill('Lowered requests_per_minute and reloaded each instance.')
  await form.getByLabel('Action', { exact: true }).fill('Move the rate limiter to Redis')
  await form.getByLabel('Owner', { exact: true }).fill('@sre')
  await form.getByLabel('Due date', { exact: true }).fill('2026-03-21')
  await form
    .getByLabel('Lessons learned', { exact: true })
    .fill('Reload every instance, not the load balancer.')
  await expect(page.getByTestId('incident-report-completeness')).toContainText('Ready for review')

  const downloading = page.waitForEvent('download')
  await form.getByRole('button', { name: 'Download as Markdown' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe('incident-0042.md')
  const markdown = await readFile(await download.path(), 'utf8')
  expect(markdown).toContain('# Incident Report: [INCIDENT-0042]')
  expect(markdown).toContain(
    '## Summary\n- **Severity**: P2\n- **Duration**: 2026-03-14 14:02 - 14:47 UTC\n- **Impact**: 18% of chat completions failed',
  )
  expect(markdown).toContain('| 14:05 | ProviderDegraded alert triggered |\n| 14:47 | Incident resolved |')
  expect(markdown).not.toContain('A row that will be removed')
  expect(markdown).toContain('## Root Cause\nThe rate limiter was enforced per instance.')
  expect(markdown).toContain('## Resolution\nLowered requests_per_minute and reloaded each instance.')
  expect(markdown).toContain('| Move the rate limiter to Redis | @sre | 2026-03-21 | Open |')
  expect(markdown).toContain('## Lessons Learned\nReload every instance, not the load balancer.')

  // Explicit save, then the draft comes back after a reload.
  await form.getByRole('button', { name: 'Save draft' }).click()
  await expect(page.getByTestId('incident-report-status')).toContainText('Draft saved at')
  await page.reload()
  await expect(form.getByLabel('Incident ID', { exact: true })).toHaveValue('INCIDENT-0042')
  await expect(form.getByLabel('Event', { exact: true }).nth(1)).toHaveValue('Incident resolved')
  await expect(form.getByLabel('Owner', { exact: true })).toHaveValue('@sre')
  await expect(page.getByTestId('incident-report-completeness')).toContainText('Ready for review')
})
