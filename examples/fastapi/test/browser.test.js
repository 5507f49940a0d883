'use strict'
// The FastAPI example in a real browser: Playwright (playwright-core) driving Debian's
// Chromium, headless (the Makefile installs it when /usr/bin/chromium is missing). Each test
// starts the app (`python server.py`, uvicorn, the embedded simulator) as a subprocess; the
// user's tab and the simulator's virtual phone page in a second tab. Approve → the protected
// page; Deny → says so, Send again works; no answer in time → says so, Send again works; two
// phones → the device picker first; an approval for one action does not unlock another; a
// replayed or an old approval is refused; the status route answered by a second worker
// process (two app processes on one Redis). Screenshots of each page go to
// test-output/browser/, and those the README shows to screenshots/.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const readline = require('node:readline')
const { chromium } = require('playwright-core')

const CHROMIUM = '/usr/bin/chromium'
const ROOT = path.join(__dirname, '..')
const OUT = path.join(ROOT, 'test-output', 'browser')
const KEEP = path.join(ROOT, 'screenshots')
const PYTHON = process.env.PYTHON ?? path.join(ROOT, '..', '..', 'bindings-python', '.venv', 'bin', 'python')
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const PAY_MESSAGE = 'Confirm the change of your payment method'

let context
let profile

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run make test (it installs Debian's chromium)`)
  assert.ok(fs.existsSync(PYTHON), `${PYTHON} is missing: run make -C bindings-python build`)
  fs.mkdirSync(OUT, { recursive: true })
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-fastapi-chromium-'))
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS })
})

after(async () => {
  await context?.close()
  if (profile) fs.rmSync(profile, { recursive: true, force: true })
})

const shot = async (page, name, keep) => {
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true })
  if (keep) fs.copyFileSync(path.join(OUT, `${name}.png`), path.join(KEEP, `${keep}.png`))
}

/**
 * Starts `python server.py` on a free port with `env`; resolves once it printed its URLs:
 * `{ url, phoneUrl, simUrl, output(), close() }` (`phoneUrl`/`simUrl` with the simulator).
 */
function startApp(t, env = {}) {
  const proc = spawn(PYTHON, ['server.py'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', PYTHONUNBUFFERED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines = []
  let errors = ''
  proc.stderr.on('data', (d) => {
    errors += d
  })
  const closed = new Promise((resolve) => proc.once('exit', resolve))
  const close = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM')
    await closed
  }
  t.after(close)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${errors}`)), 60_000)
    proc.once('exit', (code) => reject(new Error(`the app exited (${code}):\n${errors}`)))
    const app = { output: () => lines.join('\n') + errors, close }
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      lines.push(line)
      const m = /^(App|Virtual phone|Simulator|OMI tenant):\s+(\S+)/.exec(line)
      if (!m) return
      app[{ App: 'url', 'Virtual phone': 'phoneUrl', Simulator: 'simUrl', 'OMI tenant': 'tenant' }[m[1]]] = m[2]
      if (app.url && (app.simUrl || app.tenant)) {
        clearTimeout(timer)
        resolve(app)
      }
    })
  })
}

/** The simulator's control routes (`/_sim/...`). */
async function sim(app, method, route, body) {
  const r = await fetch(app.simUrl + route, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await r.text()
  assert.equal(r.status, 200, `${method} ${route}: ${text}`)
  return JSON.parse(text)
}

const pushes = (app) => sim(app, 'GET', '/_sim/pushes')

/** Two tabs on a signed-in session: the user's and the phone's. */
async function tabs(t, app) {
  // Cookies are per host, not per port: each test starts signed out.
  await context.clearCookies()
  const user = await context.newPage()
  const phone = await context.newPage()
  t.after(() => Promise.all([user.close(), phone.close()]))
  await user.goto(app.url)
  await user.getByRole('button', { name: 'Sign in as alice' }).click()
  await user.getByRole('heading', { name: 'Hello, alice' }).waitFor()
  return { user, phone }
}

/** The user opens the payment page and gets the waiting page (one phone: pushed at once). */
async function toWaitingPage(user, app, name, keep) {
  await user.goto(new URL('/payment-method', app.url).href)
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.equal(await user.locator('#push-message').textContent(), PAY_MESSAGE)
  assert.equal(await user.locator('#status').getAttribute('data-verdict'), 'pending')
  if (name) await shot(user, name, keep)
}

async function onPhone(phone, app, button, name, keep) {
  await phone.goto(app.phoneUrl)
  await phone.getByRole('button', { name: button }).last().waitFor()
  if (name) await shot(phone, name, keep)
  await phone.getByRole('button', { name: button }).last().click()
}

const protectedUrl = (app) => new URL('/payment-method', app.url).href

async function landsOnProtected(user, app) {
  await user.waitForURL(protectedUrl(app), { timeout: 15_000 })
  await user.getByRole('heading', { name: 'Change payment method' }).waitFor()
  assert.match(await user.locator('#confirmed').textContent(), /Confirmed on your phone, alice/)
}

test('browser: Approve on the virtual phone → the user tab lands on the protected page, once', async (t) => {
  const app = await startApp(t)
  const { user, phone } = await tabs(t, app)
  await toWaitingPage(user, app, 'approve-1-waiting', 'waiting-page')
  await onPhone(phone, app, 'Approve', 'approve-2-phone', 'virtual-phone')
  await landsOnProtected(user, app)
  await shot(user, 'approve-3-protected')
  await shot(phone, 'approve-4-phone-after')
  // Spent: reloading the protected page starts the flow again.
  await user.reload()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.equal((await pushes(app)).length, 2)
})

test('browser: Deny → the waiting page says so; Send again pushes anew and an approval opens the page', async (t) => {
  const app = await startApp(t)
  const { user, phone } = await tabs(t, app)
  await toWaitingPage(user, app, 'deny-1-waiting')
  await onPhone(phone, app, 'Deny', 'deny-2-phone')
  const status = user.locator('#status[data-verdict="rejected"]')
  await status.waitFor({ timeout: 15_000 })
  assert.equal(await status.textContent(), 'You denied the request on your phone.')
  assert.ok(user.url().includes('/step-up/wait?'), user.url())
  await shot(user, 'deny-3-denied')

  await user.getByRole('button', { name: 'Send again' }).click()
  await user.locator('#status[data-verdict="pending"]').waitFor()
  await onPhone(phone, app, 'Approve')
  await landsOnProtected(user, app)
  assert.equal((await pushes(app)).length, 2)
  await shot(user, 'deny-4-sent-again-approved')
})

test('browser: no answer in time → the waiting page says it expired; Send again works', async (t) => {
  const app = await startApp(t, { STEP_UP_MAX_AGE: '4' })
  const { user, phone } = await tabs(t, app)
  await toWaitingPage(user, app, 'timeout-1-waiting')
  const status = user.locator('#status[data-verdict="expired"]')
  await status.waitFor({ timeout: 20_000 })
  assert.equal(await status.textContent(), 'The request expired before it was confirmed.')
  await shot(user, 'timeout-2-expired')

  await user.getByRole('button', { name: 'Send again' }).click()
  await user.locator('#status[data-verdict="pending"]').waitFor()
  await onPhone(phone, app, 'Approve')
  await landsOnProtected(user, app)
  await shot(user, 'timeout-3-sent-again-approved')
})

test('browser: with two phones the device picker comes first; the push goes to the one chosen', async (t) => {
  const app = await startApp(t)
  await sim(app, 'POST', '/_sim/users/alice/devices', { id: 'tablet', name: 'iPad', platform: 'ios' })
  const { user, phone: tablet } = await tabs(t, app)
  await user.goto(protectedUrl(app))
  await user.getByRole('group', { name: 'Where should we send the confirmation?' }).waitFor()
  assert.equal((await pushes(app)).length, 0, 'the picker sends nothing')
  await user.getByLabel('iPad').check()
  await shot(user, 'picker-1-devices', 'device-picker')
  await user.getByRole('button', { name: 'Send' }).click()
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.deepEqual((await pushes(app))[0].device_ids, ['tablet'])

  await tablet.goto(app.phoneUrl.replace(/demo-phone$/, 'tablet'))
  await tablet.getByRole('button', { name: 'Approve' }).click()
  await landsOnProtected(user, app)
  await shot(user, 'picker-2-protected')
})

test('browser: an approval for one action does not unlock another', async (t) => {
  const app = await startApp(t)
  const { user, phone } = await tabs(t, app)
  await user.goto(new URL('/card-number', app.url).href)
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.equal(await user.locator('#push-message').textContent(), 'Confirm showing your card number')
  // The user leaves the waiting page; the card-number push is approved, unspent.
  await user.goto(app.url)
  await onPhone(phone, app, 'Approve')
  assert.equal((await pushes(app))[0].status, 'CONFIRMED')

  await toWaitingPage(user, app, 'action-1-other-action-still-waiting')
  assert.equal((await pushes(app)).length, 2, 'the payment page asked the phone again')
  // The card-number approval still opens its own page.
  await user.goto(new URL('/card-number', app.url).href)
  await user.getByRole('heading', { name: 'Card number' }).waitFor()
  await shot(user, 'action-2-own-action')
})

test('browser: a replayed approval (the old session cookie put back) is refused', async (t) => {
  const app = await startApp(t)
  const { user, phone } = await tabs(t, app)
  await toWaitingPage(user, app)
  const saved = await context.cookies() // the session with the challenge about to be approved
  await onPhone(phone, app, 'Approve')
  await landsOnProtected(user, app)

  await context.clearCookies()
  await context.addCookies(saved)
  await user.goto(protectedUrl(app))
  await user.getByRole('heading', { name: 'Check your phone' }).waitFor()
  assert.notEqual(user.url(), protectedUrl(app))
  assert.equal((await pushes(app)).length, 2, 'a new confirmation is needed')
  await shot(user, 'replay-1-refused')
})

test('browser: an old approval (older than max_age) is refused', async (t) => {
  const app = await startApp(t, { STEP_UP_MAX_AGE: '3' })
  const { user, phone } = await tabs(t, app)
  await toWaitingPage(user, app)
  await user.goto(app.url) // leaves before the approval arrives
  await onPhone(phone, app, 'Approve')
  await new Promise((r) => setTimeout(r, 4_000))
  await user.goto(protectedUrl(app))
  await user.getByText('The request expired before it was confirmed.').waitFor()
  assert.notEqual(user.url(), protectedUrl(app))
  assert.ok(await user.getByRole('button', { name: 'Send again' }).isVisible())
  await shot(user, 'old-1-refused')
})

test('browser: the status route answered by a second worker process (one Redis, the same keys)', async (t) => {
  const redis = process.env.OMI_PUSH_REDIS_URL
  assert.ok(redis, 'OMI_PUSH_REDIS_URL is not set: run under scripts/with-redis (make test does)')
  const shared = {
    REDIS_URL: redis,
    STEP_UP_STORE_PREFIX: `fastapi-browser:${crypto.randomUUID()}:`,
    STEP_UP_KEY: crypto.randomBytes(32).toString('hex'),
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
  }
  const secret = crypto.randomBytes(16).toString('hex')
  const first = await startApp(t, { ...shared, OMI_SIM_CLIENT_SECRET: secret })
  const second = await startApp(t, {
    ...shared,
    OMI_BASE_URL: first.simUrl,
    OMI_CLIENT_ID: 'sim-client',
    OMI_CLIENT_SECRET: secret,
  })
  const { user, phone } = await tabs(t, first)
  // Every status poll of the waiting page goes to the second process.
  const firstOrigin = new URL(first.url).origin
  const secondOrigin = new URL(second.url).origin
  await user.route('**/step-up/status?**', (route) =>
    route.continue({ url: route.request().url().replace(firstOrigin, secondOrigin) }),
  )
  await toWaitingPage(user, first)
  const polled = () => (second.output().match(/"GET \/step-up\/status\?[^"]*" 200/g) ?? []).length
  for (let i = 0; polled() < 1; i++) {
    assert.ok(i < 100, `the second process got no status request:\n${second.output()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  await onPhone(phone, first, 'Approve')
  await landsOnProtected(user, first)
  assert.doesNotMatch(first.output(), /GET \/step-up\/status/)
  await shot(user, 'workers-1-protected')
})
