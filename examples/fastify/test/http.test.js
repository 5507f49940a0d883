'use strict'
// The example app over real HTTP (no browser), on its embedded simulator: sign in → the
// protected page → the flow (one phone: pushed at once) → the waiting page → its status route
// → the phone approves (the request its Approve button sends) → the protected page, once; the
// phone denies → the waiting page says so and offers "Send again"; two instances on one Redis
// (the status route and the page from a second `node server.js` process).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { start, DEMO_DEVICE } = require('../server.js')

/** A cookie jar over fetch (redirects by hand); `base` may change per request. */
function browser() {
  const jar = new Map()
  return async (base, p, init = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const headers = { accept: 'text/html', ...init.headers, ...(cookie ? { cookie } : {}) }
    const r = await fetch(new URL(p, base), { ...init, headers, redirect: 'manual' })
    for (const c of r.headers.getSetCookie()) {
      const pair = c.split(';')[0]
      const [k, v] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
      if (/Max-Age=0/i.test(c) || v === '') jar.delete(k)
      else jar.set(k, v)
    }
    return r
  }
}

async function app(t) {
  const a = await start({ port: 0, env: {} })
  t.after(() => a.close())
  const phone = new URL(a.phoneUrl).origin
  const go = browser()
  const get = (p, init) => go(a.url, p, init)
  /** What the virtual phone page's script does: list the device's pushes, press a button. */
  const press = async (action) => {
    const pushes = await (await fetch(`${phone}/_sim/devices/${DEMO_DEVICE}/pushes`)).json()
    const pending = pushes.filter((p) => p.status === 'PENDING')
    assert.equal(pending.length, 1, JSON.stringify(pushes))
    const r = await fetch(`${phone}/_sim/pushes/${encodeURIComponent(pending[0].nonce)}/${action}`, { method: 'POST' })
    assert.equal(r.status, 200)
  }
  return { ...a, get, press }
}

async function signInAndStart(a) {
  let r = await a.get('/')
  assert.match(await r.text(), /Sign in as alice/)
  r = await a.get('/login', { method: 'POST' })
  assert.deepEqual([r.status, r.headers.get('location')], [303, '/'])
  assert.match(await (await a.get('/')).text(), /Hello, alice/)

  r = await a.get('/payment-method')
  assert.equal(r.status, 303)
  assert.equal(r.headers.get('location'), '/step-up/start?action=change-payment-method&next=%2Fpayment-method')
  assert.equal(r.headers.get('cache-control'), 'no-store')
  r = await a.get(r.headers.get('location'))
  assert.equal(r.status, 303, 'one phone: no picker, pushed at once')
  const wait = r.headers.get('location')
  r = await a.get(wait)
  const html = await r.text()
  assert.equal(r.status, 200)
  assert.match(html, /Check your phone/)
  assert.match(html, /Confirm the change of your payment method/)
  const statusUrl = JSON.parse(html.match(/var statusUrl = ("[^"]*")/)[1])
  const status = async () => (await a.get(statusUrl, { headers: { accept: 'application/json' } })).json()
  assert.deepEqual(await status(), { verdict: 'pending' })
  assert.equal((await a.get('/payment-method')).status, 303, 'pending: still locked')
  return { wait, status }
}

test('approve on the phone → the protected page, once', async (t) => {
  const a = await app(t)
  const { status } = await signInAndStart(a)
  await a.press('approve')
  assert.deepEqual(await status(), { verdict: 'approved', redirect: '/payment-method' })
  let r = await a.get('/payment-method')
  assert.equal(r.status, 200)
  assert.match(await r.text(), /Confirmed on your phone, alice/)
  r = await a.get('/payment-method')
  assert.equal(r.status, 303, 'the approval was spent')
  assert.equal(a.sim.pushes().length, 1)
})

test('deny on the phone → the waiting page says so and offers "Send again"; the page stays locked', async (t) => {
  const a = await app(t)
  const { wait, status } = await signInAndStart(a)
  await a.press('reject')
  assert.deepEqual(await status(), { verdict: 'rejected' })
  const html = await (await a.get(wait)).text()
  assert.match(html, /You denied the request on your phone\./)
  assert.match(html, /Send again/)
  assert.equal((await a.get('/payment-method')).status, 303)
})

test('signed out: the guard answers 401', async (t) => {
  const a = await app(t)
  assert.equal((await a.get('/payment-method')).status, 401)
})

test('two instances on one Redis (and one session key): the push from one, the status and the page from a second process', async (t) => {
  const redis = process.env.OMI_PUSH_REDIS_URL
  assert.ok(redis, 'OMI_PUSH_REDIS_URL is not set (run under scripts/with-redis)')
  const keys = { STEP_UP_KEY: `fastify-example-two-instances-${Date.now()}-0123456789abcdef`, SESSION_KEY: require('node:crypto').randomBytes(32).toString('hex') }
  const a = await start({ port: 0, env: { ...keys, REDIS_URL: redis } })
  t.after(() => a.close())
  // The second instance: `node server.js` on the same tenant (the first one's simulator).
  const env = { ...process.env, ...keys, PORT: '0', REDIS_URL: redis, OMI_BASE_URL: a.sim.baseUrl, OMI_CLIENT_ID: a.sim.clientId, OMI_CLIENT_SECRET: a.sim.clientSecret }
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'server.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill())
  const second = await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = out.match(/App: +(\S+)/)
      if (m) resolve(m[1])
    })
    child.once('exit', (code) => reject(new Error(`server.js exited ${code}: ${out}`)))
  })

  const go = browser()
  await go(a.url, '/login', { method: 'POST' })
  let r = await go(a.url, '/payment-method')
  r = await go(a.url, r.headers.get('location'))
  const statusUrl = r.headers.get('location').replace('/wait?', '/status?')
  const status = async () => (await go(second, statusUrl, { headers: { accept: 'application/json' } })).json()
  assert.deepEqual(await status(), { verdict: 'pending' })
  a.sim.approve(a.sim.pushes()[0].nonce)
  assert.deepEqual(await status(), { verdict: 'approved', redirect: '/payment-method' })
  r = await go(second, '/payment-method')
  assert.equal(r.status, 200, 'the second instance redeems what its status route saw approved')
  assert.match(await r.text(), /Confirmed on your phone, alice/)
  assert.equal((await go(a.url, '/payment-method')).status, 303, 'spent for the first instance too')
})
