'use strict'
// The Spring Boot example in a real browser: Playwright (playwright-core) driving Debian's
// Chromium, headless (the Makefile installs it when /usr/bin/chromium is missing). The app runs
// as its own JVM process (test/app.js); the user's tab and the simulator's virtual phone page in
// a second tab. Approve → the protected page; Deny → says so, Send again works; expired → says
// so, Send again works; two phones → the picker; one action's approval does not open another;
// an old or replayed approval is refused; the status route answered by a second app process
// (two instances on one Redis behind a small proxy).
// Screenshots of each page go to test-output/browser/ (and the README's to screenshots/).
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { chromium } = require('playwright-core')
const { startApp, simulator } = require('./app.js')

const CHROMIUM = '/usr/bin/chromium'
const OUT = path.join(__dirname, '..', 'test-output', 'browser')
const README_SHOTS = path.join(__dirname, '..', 'screenshots')
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const MESSAGE = 'Confirm the change of your payment method'

let context
let profile
let app // the shared app of most tests (embedded simulator, HttpSession)
let sim

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run make test (it installs Debian's chromium)`)
  fs.mkdirSync(OUT, { recursive: true })
  fs.mkdirSync(README_SHOTS, { recursive: true })
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-spring-chromium-'))
  ;[context, app] = await Promise.all([
    chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS }),
    startApp({ settings: { 'omi-push': { 'step-up': { 'max-unresolved': 50 } } } }),
  ])
  sim = simulator(app.simUrl)
  app.sim = sim
})

after(async () => {
  await context?.close()
  await app?.close()
  if (profile) fs.rmSync(profile, { recursive: true, force: true })
})

const shot = (page, name) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true })
const readmeShot = (page, name) => page.screenshot({ path: path.join(README_SHOTS, `${name}.png`), fullPage: true })
const lastPush = async (s = sim) => (await s.pushes()).at(-1)

/** Approve or Deny the latest push on the phone tab (its card, by nonce: older ones may be listed). */
async function answer(phone, target, label) {
  const push = await lastPush(target.sim)
  const action = label === 'Approve' ? 'approve' : 'reject'
  const button = phone.locator(`#pending button[data-nonce="${push.nonce}"][data-action="${action}"]`)
  await button.click({ timeout: 15_000 })
  return push
}

/** A fresh signed-in user tab (and a phone tab) on `target`. */
async function signIn(t, target = app) {
  // Earlier tests' unanswered pushes expire: the phone shows only this test's.
  for (const p of await target.sim.pushes()) if (p.status === 'PENDING') await target.sim.expire(p.nonce)
  await context.clearCookies()
  const user = await context.newPage()
  const phone = await context.newPage()
  t.after(() => Promise.all([user.close(), phone.close()]))
  await user.goto(target.url)
  await user.getByRole('button', { name: 'Sign in as alice' }).click()
  await user.getByText('Signed in as alice.').waitFor()
  return { user, phone }
}

/** Signed in, on the waiting page of the payment page's action, the phone tab showing the push. */
async function toWaitingPage(t, name, target = app) {
  const { user, phone } = await signIn(t, target)
  await user.getByRole('link', { name: 'Change payment method' }).click()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.match(await user.locator('#push-message').textContent(), new RegExp(MESSAGE))
  assert.equal(await user.locator('#status').getAttribute('data-verdict'), 'pending')
  await shot(user, `${name}-1-waiting`)
  await phone.goto(target.phoneUrl)
  await phone.locator(`#pending [data-nonce="${(await lastPush(target.sim)).nonce}"]`).first().waitFor()
  assert.match(await phone.locator('#pending').textContent(), new RegExp(MESSAGE))
  await shot(phone, `${name}-2-phone`)
  return { user, phone }
}

const protectedUrl = (target = app) => new URL('/payment-method', target.url).href

test('browser: Approve on the virtual phone → the user tab lands on the protected page; a reload asks again', async (t) => {
  const { user, phone } = await toWaitingPage(t, 'approve')
  await readmeShot(user, 'waiting-page')
  await readmeShot(phone, 'virtual-phone')
  await answer(phone, app, 'Approve')
  await user.waitForURL(protectedUrl(), { timeout: 15_000 })
  await user.getByRole('heading', { name: 'Change payment method' }).waitFor()
  assert.match(await user.locator('#confirmed').textContent(), /Confirmed on your phone, alice/)
  await shot(user, 'approve-3-protected')
  // Replayed: the approval was spent by that visit; reloading the page starts over.
  const pushes = (await sim.pushes()).length
  await user.reload()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.equal((await sim.pushes()).length, pushes + 1, 'a new push, not the old approval')
  await shot(user, 'approve-4-reload-asks-again')
})

test('browser: an approval of one action does not open another', async (t) => {
  const { user, phone } = await toWaitingPage(t, 'scope')
  // Approve the payment change, but go to the card number page with it.
  await user.goto(app.url)
  await answer(phone, app, 'Approve')
  await user.goto(new URL('/card-number', app.url).href)
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.equal(await user.locator('#status').getAttribute('data-verdict'), 'pending')
  assert.equal(await user.getByText('•••• •••• •••• 4242').count(), 0)
  await shot(user, 'scope-3-other-action-asks')
  // The payment change's approval is still there for its own page (after the status saw it).
  await user.goto(new URL('/step-up/wait?action=change-payment-method&next=%2Fpayment-method', app.url).href)
  await user.waitForURL(protectedUrl(), { timeout: 15_000 })
  await user.getByRole('heading', { name: 'Change payment method' }).waitFor()
})

test('browser: Deny on the virtual phone → the waiting page says so; Send again pushes anew and an approval opens the page', async (t) => {
  const { user, phone } = await toWaitingPage(t, 'deny')
  await answer(phone, app, 'Deny')
  const status = user.locator('#status[data-verdict="rejected"]')
  await status.waitFor({ timeout: 15_000 })
  assert.equal(await status.textContent(), 'You denied the request on your phone.')
  assert.ok(await user.getByRole('button', { name: 'Send again' }).isVisible())
  await shot(user, 'deny-3-denied')
  const pushes = (await sim.pushes()).length
  await user.getByRole('button', { name: 'Send again' }).click()
  await user.locator('#status[data-verdict="pending"]').waitFor()
  assert.equal((await sim.pushes()).length, pushes + 1)
  await phone.reload()
  await answer(phone, app, 'Approve')
  await user.waitForURL(protectedUrl(), { timeout: 15_000 })
  await shot(user, 'deny-4-sent-again-approved')
})

test('browser: the push expires unanswered → the waiting page says so; Send again works', async (t) => {
  const { user, phone } = await toWaitingPage(t, 'expire')
  await sim.expire((await lastPush()).nonce)
  const status = user.locator('#status[data-verdict="expired"]')
  await status.waitFor({ timeout: 15_000 })
  assert.equal(await status.textContent(), 'The request expired before it was confirmed.')
  await shot(user, 'expire-3-expired')
  await user.getByRole('button', { name: 'Send again' }).click()
  await user.locator('#status[data-verdict="pending"]').waitFor()
  await phone.reload()
  await answer(phone, app, 'Approve')
  await user.waitForURL(protectedUrl(), { timeout: 15_000 })
  await shot(user, 'expire-4-sent-again-approved')
})

test('browser: an approval older than the max age is refused', async (t) => {
  const short = await startApp({ settings: { 'omi-push': { 'step-up': { 'max-age': '3s' } } } })
  short.sim = simulator(short.simUrl)
  t.after(() => short.close())
  const { user, phone } = await toWaitingPage(t, 'old', short)
  // The user leaves the waiting page, approves on the phone, and comes back too late.
  await user.goto(short.url)
  await answer(phone, short, 'Approve')
  await new Promise((resolve) => setTimeout(resolve, 4500))
  await user.goto(protectedUrl(short))
  await user.getByText('The request expired before it was confirmed.').waitFor({ timeout: 15_000 })
  assert.notEqual(user.url(), protectedUrl(short))
  assert.equal(await user.getByRole('heading', { name: 'Change payment method' }).count(), 0)
  await shot(user, 'old-3-refused')
})

test('browser: the status route answered by a second app process (two instances, one Redis)', async (t) => {
  const redis = process.env.OMI_PUSH_REDIS_URL
  assert.ok(redis, 'OMI_PUSH_REDIS_URL is not set (make test runs this under scripts/with-redis)')
  const secret = crypto.randomBytes(24).toString('hex')
  const shared = {
    session: 'cookie', // the flow's value in its own cookie, which every instance reads
    'step-up': { keys: [crypto.randomBytes(32).toString('hex')], store: redis, 'store-prefix': `spring-browser:${crypto.randomUUID()}:` },
  }
  const loginKey = crypto.randomBytes(32).toString('hex')
  const a = await startApp({
    settings: { 'omi-push': { ...shared, simulator: { 'client-secret': secret } }, demo: { 'login-key': loginKey } },
  })
  t.after(() => a.close())
  const b = await startApp({
    settings: {
      'omi-push': { ...shared, simulator: { enabled: false }, 'base-url': a.simUrl, 'client-id': 'sim-client', 'client-secret': secret },
      demo: { 'login-key': loginKey },
    },
  })
  t.after(() => b.close())

  // A load balancer in front: the status route goes to B, everything else to A.
  const served = { a: 0, b: 0 }
  const proxy = http.createServer((req, res) => {
    const toB = req.url.startsWith('/step-up/status')
    served[toB ? 'b' : 'a']++
    const target = new URL(toB ? b.url : a.url)
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      },
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => proxy.close(resolve)))
  const front = { url: `http://127.0.0.1:${proxy.address().port}/`, phoneUrl: a.phoneUrl, sim: simulator(a.simUrl) }

  const { user, phone } = await toWaitingPage(t, 'instances', front)
  await user.locator('#status[data-verdict="pending"]').waitFor()
  await answer(phone, front, 'Approve')
  await user.waitForURL(protectedUrl(front), { timeout: 15_000 })
  assert.ok(served.b >= 1, `the status route was answered by the second instance (${JSON.stringify(served)})`)
  await shot(user, 'instances-3-protected')

  // Replayed: the cookie as it was before the page spent the approval, put back: refused.
  const before = await toWaitingPage(t, 'replay', front)
  const copy = (await context.cookies(front.url)).find((c) => c.name === 'omi_step_up')
  assert.ok(copy, 'the flow value is in its cookie')
  await answer(before.phone, front, 'Approve')
  await before.user.waitForURL(protectedUrl(front), { timeout: 15_000 })
  await context.addCookies([{ ...copy }])
  await before.user.goto(protectedUrl(front))
  await before.user.getByRole('heading', { name: 'Check your phone' }).waitFor({ timeout: 15_000 })
  assert.equal(await before.user.getByRole('heading', { name: 'Change payment method' }).count(), 0)
  await shot(before.user, 'replay-3-refused')
})

test('browser: with two phones the device picker comes first; the push goes to the one chosen', async (t) => {
  // Last: it gives alice a second phone on the shared app.
  await sim.addDevice('alice', { id: 'tablet', name: 'iPad', platform: 'ios' })
  const { user, phone } = await signIn(t)
  const pushes = (await sim.pushes()).length
  await user.getByRole('link', { name: 'Change payment method' }).click()
  await user.getByRole('group', { name: 'Where should we send the confirmation?' }).waitFor()
  assert.equal((await sim.pushes()).length, pushes, 'the picker sends nothing')
  await user.getByLabel('iPad').check()
  await shot(user, 'picker-1-devices')
  await readmeShot(user, 'device-picker')
  await user.getByRole('button', { name: 'Send' }).click()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  const push = await lastPush()
  assert.deepEqual(push.device_ids ?? push.deviceIds, ['tablet'])
  await phone.goto(sim.phoneUrl('tablet'))
  await answer(phone, app, 'Approve')
  await user.waitForURL(protectedUrl(), { timeout: 15_000 })
  await shot(user, 'picker-2-protected')
})
