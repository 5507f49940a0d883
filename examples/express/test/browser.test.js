'use strict'
// The example app in a real browser: Playwright (playwright-core) driving Debian's Chromium,
// headless (the Makefile installs it when /usr/bin/chromium is missing). The user's tab and
// the simulator's virtual phone page in a second tab: Approve → the protected page; Deny →
// the waiting page says so, and Send again works; expired → says so; two phones: the device
// picker first.
// Screenshots of each page go to test-output/browser/.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { chromium } = require('playwright-core')
const { start } = require('../server.js')

const CHROMIUM = '/usr/bin/chromium'
const OUT = path.join(__dirname, '..', 'test-output', 'browser')
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

let context
let profile

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run make test (it installs Debian's chromium)`)
  fs.mkdirSync(OUT, { recursive: true })
  // A fresh profile every run (Playwright passes it as --user-data-dir).
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-express-chromium-'))
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS })
})

after(async () => {
  await context?.close()
  if (profile) fs.rmSync(profile, { recursive: true, force: true })
})

const shot = (page, name) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true })

/** The app, the user's tab signed in and on the waiting page, and the phone's tab. */
async function toWaitingPage(t, name) {
  const app = await start({ port: 0, env: {} })
  t.after(() => app.close())
  // Cookies are per host, not per port: each test's app starts signed out.
  await context.clearCookies()
  const user = await context.newPage()
  const phone = await context.newPage()
  t.after(() => Promise.all([user.close(), phone.close()]))
  await user.goto(app.url)
  await user.getByRole('button', { name: 'Sign in as alice' }).click()
  await user.getByRole('link', { name: 'Change payment method' }).click()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.match(await user.locator('#push-message').textContent(), /Confirm the change of your payment method/)
  assert.equal(await user.locator('#status').getAttribute('data-verdict'), 'pending')
  await shot(user, `${name}-1-waiting`)

  await phone.goto(app.phoneUrl)
  await phone.getByText('Confirm the change of your payment method').waitFor()
  await shot(phone, `${name}-2-phone`)
  return { app, user, phone }
}

test('browser: Approve on the virtual phone → the user tab lands on the protected page', async (t) => {
  const { app, user, phone } = await toWaitingPage(t, 'approve')
  await phone.getByRole('button', { name: 'Approve' }).click()
  await user.waitForURL(new URL('/payment-method', app.url).href, { timeout: 10_000 })
  await user.getByRole('heading', { name: 'Change payment method' }).waitFor()
  assert.match(await user.locator('#confirmed').textContent(), /Confirmed on your phone, alice/)
  await shot(user, 'approve-3-protected')
  await shot(phone, 'approve-4-phone-after')
  // Spent: reloading the protected page starts the flow again.
  await user.reload()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
})

test('browser: Deny on the virtual phone → the waiting page says so; Send again pushes anew and an approval opens the page', async (t) => {
  const { app, user, phone } = await toWaitingPage(t, 'deny')
  await phone.getByRole('button', { name: 'Deny' }).click()
  const status = user.locator('#status[data-verdict="rejected"]')
  await status.waitFor({ timeout: 10_000 })
  assert.equal(await status.textContent(), 'You denied the request on your phone.')
  assert.ok(await user.getByRole('button', { name: 'Send again' }).isVisible())
  assert.ok(user.url().includes('/step-up/wait?'), user.url())
  await shot(user, 'deny-3-denied')

  // Send again: a new push to the phone, a new waiting page; approving it opens the page.
  await user.getByRole('button', { name: 'Send again' }).click()
  await user.locator('#status[data-verdict="pending"]').waitFor()
  await phone.getByRole('button', { name: 'Approve' }).click({ timeout: 10_000 })
  await user.waitForURL(new URL('/payment-method', app.url).href, { timeout: 10_000 })
  assert.match(await user.locator('#confirmed').textContent(), /Confirmed on your phone/)
  assert.equal(app.sim.pushes().length, 2)
  await shot(user, 'deny-4-sent-again-approved')
})

test('browser: with two phones the device picker comes first; the push goes to the one chosen', async (t) => {
  const app = await start({ port: 0, env: {} })
  t.after(() => app.close())
  app.sim.addDevice('alice', { id: 'tablet', name: 'iPad', platform: 'ios' })
  await context.clearCookies()
  const user = await context.newPage()
  const tablet = await context.newPage()
  t.after(() => Promise.all([user.close(), tablet.close()]))
  await user.goto(app.url)
  await user.getByRole('button', { name: 'Sign in as alice' }).click()
  await user.getByRole('link', { name: 'Change payment method' }).click()
  await user.getByRole('group', { name: 'Where should we send the confirmation?' }).waitFor()
  assert.equal(app.sim.pushes().length, 0, 'the picker sends nothing')
  await user.getByLabel('iPad').check()
  await shot(user, 'picker-1-devices')
  await user.getByRole('button', { name: 'Send' }).click()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.deepEqual(app.sim.pushes()[0].deviceIds, ['tablet'])

  await tablet.goto(app.sim.phoneUrl('tablet'))
  await tablet.getByRole('button', { name: 'Approve' }).click()
  await user.waitForURL(new URL('/payment-method', app.url).href, { timeout: 10_000 })
  await shot(user, 'picker-2-protected')
})

test('browser: the push expires unanswered → the waiting page says so and offers Send again', async (t) => {
  const { app, user } = await toWaitingPage(t, 'expire')
  app.sim.expire(app.sim.pushes()[0].nonce)
  const status = user.locator('#status[data-verdict="expired"]')
  await status.waitFor({ timeout: 10_000 })
  assert.equal(await status.textContent(), 'The request expired before it was confirmed.')
  assert.ok(await user.getByRole('button', { name: 'Send again' }).isVisible())
  await shot(user, 'expire-3-expired')
})
