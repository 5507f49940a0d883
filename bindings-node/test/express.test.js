'use strict'
// omi-push/express over real HTTP (no browser): the guard on a route, the flow's routes
// mounted, the app's callable for the current user; the flow's value in a cookie of its own,
// or in req.session when the app has one.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const express = require('express')
const { StepUp, StepUpFlow } = require('omi-push')
const { expressStepUp } = require('omi-push/express')
const { setup } = require('./helpers.js')

const PAY = 'change-payment-method'
const KEY = 'node-express-test-key-0123456789abcdef-0123456789'

/** An app whose user is the `x-user` header; `withSession` adds a tiny in-memory req.session. */
async function appSetup(t, { withSession = false, users } = {}) {
  const { sim, client } = await setup(t, users ? { sim: { users } } : {})
  const stepUp = expressStepUp(new StepUp(client, { keys: KEY, minGapMs: 0 }), {
    user: async (req) => req.get('x-user'),
    message: 'Confirm the new card',
  })
  const app = express()
  if (withSession) {
    const sessions = new Map()
    app.use((req, _res, next) => {
      const id = req.get('x-session') ?? 'none'
      if (!sessions.has(id)) sessions.set(id, {})
      req.session = sessions.get(id)
      next()
    })
  }
  app.use(stepUp.router())
  app.get('/payment', stepUp.guard(PAY), (req, res) => res.send(`payment page of ${req.get('x-user')}`))
  app.get('/card', stepUp.guard('view-card-number'), (_req, res) => res.send('card'))
  app.post('/api/payment', stepUp.guard(PAY), (_req, res) => res.json({ changed: true }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  return { sim, url: `http://127.0.0.1:${server.address().port}`, stepUp }
}

/** A browser-ish agent: a cookie jar, redirects followed by hand. */
function agent(base, user, extra = {}) {
  const jar = new Map()
  return {
    jar,
    async req(path, init = {}) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
      const headers = { 'x-user': user, accept: 'text/html', ...extra, ...(cookie ? { cookie } : {}), ...init.headers }
      const r = await fetch(new URL(path, base), { ...init, headers, redirect: 'manual' })
      for (const c of r.headers.getSetCookie()) {
        const [pair, ...attrs] = c.split(';')
        const [k, v] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
        if (attrs.some((a) => a.trim() === 'Max-Age=0')) jar.delete(k)
        else jar.set(k, v)
      }
      return r
    },
  }
}

for (const withSession of [false, true]) {
  test(`Express: guard → picker → POST → wait → status → approve → the page, once (${withSession ? 'req.session' : 'cookie'})`, async (t) => {
    const { sim, url } = await appSetup(t, { withSession })
    const a = agent(url, 'user-1', withSession ? { 'x-session': 's1' } : {})
    let r = await a.req('/payment?card=new')
    assert.equal(r.status, 303)
    assert.equal(r.headers.get('location'), '/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew')

    r = await a.req(r.headers.get('location'))
    assert.equal(r.status, 200)
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/)
    // Every header of the core's answer is set (nothing of the flow cached, sniffed or framed).
    assert.deepEqual(['cache-control', 'x-content-type-options', 'x-frame-options'].map((h) => r.headers.get(h)), ['no-store', 'nosniff', 'DENY'])
    const picker = await r.text()
    const form = picker.match(/<form[^>]*action="([^"]+)"/)
    assert.ok(form && picker.includes('value="dev-2"'), picker)

    // The picker's own form: urlencoded, read by the adapter (this app has no body parser).
    r = await a.req(form[1].replaceAll('&amp;', '&'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `device=dev-2&csrf=${encodeURIComponent(picker.match(/name="csrf" value="([^"]+)"/)[1])}`,
    })
    assert.equal(r.status, 303)
    const wait = r.headers.get('location')
    assert.ok(wait.startsWith('/step-up/wait?'), wait)
    assert.equal(a.jar.has('omi_step_up'), !withSession, 'the value is in a cookie only without a session')
    assert.deepEqual(sim.pushes()[0].deviceIds, ['dev-2'])
    assert.equal(sim.pushes()[0].message, 'Confirm the new card')

    r = await a.req(wait)
    const page = await r.text()
    assert.equal(r.status, 200)
    // The URL the page's script polls (a JSON string literal in the script).
    const statusUrl = JSON.parse(page.match(/var statusUrl = ("[^"]*")/)[1])
    assert.ok(statusUrl.startsWith('/step-up/status?'), statusUrl)
    const status = async () => (await a.req(statusUrl, { headers: { accept: 'application/json' } })).json()
    assert.deepEqual(await status(), { verdict: 'pending' })
    sim.approve(sim.pushes()[0].nonce)
    assert.deepEqual(await status(), { verdict: 'approved', redirect: '/payment?card=new' })

    // Another action stays locked; another user with a copy of this cookie is refused.
    assert.equal((await a.req('/card')).status, 303)
    if (!withSession) {
      const mallory = agent(url, 'user-2')
      for (const [k, v] of a.jar) mallory.jar.set(k, v)
      assert.equal((await mallory.req('/payment')).status, 303)
    }

    const before = new Map(a.jar)
    r = await a.req('/payment?card=new')
    assert.equal(r.status, 200)
    assert.equal(await r.text(), 'payment page of user-1')
    // Spent: a second visit, or the old cookie replayed, starts over.
    assert.equal((await a.req('/payment')).status, 303)
    if (!withSession) {
      const replay = agent(url, 'user-1')
      for (const [k, v] of before) replay.jar.set(k, v)
      assert.equal((await replay.req('/payment')).status, 303)
    }
  })
}

test('Express: one device skips the picker; a denial says so; an API client gets 401 JSON; nobody gets 401', async (t) => {
  const { sim, url } = await appSetup(t, { users: [{ id: 'solo', devices: [{ id: 'only-phone' }] }] })
  const a = agent(url, 'solo')
  let r = await a.req('/step-up/start?action=change-payment-method&next=%2Fpayment')
  assert.equal(r.status, 303, 'one device: pushed at once')
  assert.equal(sim.pushes().length, 1)
  sim.reject(sim.pushes()[0].nonce)
  r = await a.req(r.headers.get('location'))
  const text = await r.text()
  assert.ok(text.includes('You denied the request on your phone.') && text.includes('Send again'), text)

  r = await a.req('/api/payment', { method: 'POST', headers: { accept: 'application/json' } })
  assert.equal(r.status, 401)
  assert.match(r.headers.get('content-type'), /^application\/json/)
  assert.equal(r.headers.get('cache-control'), 'no-store', "the guard's answer carries the core's headers too")
  assert.equal((await r.json()).error, 'step_up_required')

  r = await fetch(`${url}/payment`, { redirect: 'manual' })
  assert.equal(r.status, 401, 'no user')
  r = await a.req('/step-up/nope?action=x')
  assert.equal(r.status, 404)
  r = await a.req('/elsewhere')
  assert.equal(r.status, 404, 'other paths go on to the app')
})

test('Express: options are checked; a StepUpFlow can be given; a throwing user callable reaches the error handler', async (t) => {
  const { client } = await setup(t)
  const stepUp = new StepUp(client, { keys: KEY })
  assert.throws(() => expressStepUp(stepUp, {}), TypeError)
  assert.throws(() => expressStepUp(stepUp, { user: () => 'u', mnt: '/x' }), TypeError)
  assert.throws(() => expressStepUp({}, { user: () => 'u' }), TypeError)
  const flow = new StepUpFlow(stepUp, { mount: '/confirm' })
  assert.throws(() => expressStepUp(flow, { user: () => 'u', mount: '/x' }), TypeError)
  const s = expressStepUp(flow, {
    user: () => {
      throw new Error('no auth')
    },
  })
  assert.equal(s.flow.mount, '/confirm')
  const app = express()
  app.use(s.router())
  app.get('/p', s.guard(PAY), (_req, res) => res.send('p'))
  app.use((err, _req, res, _next) => res.status(500).send(err.message))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const base = `http://127.0.0.1:${server.address().port}`
  for (const p of ['/p', '/confirm/start?action=x']) {
    const r = await fetch(base + p)
    assert.deepEqual([r.status, await r.text()], [500, 'no auth'])
  }
})
