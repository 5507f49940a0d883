'use strict'
// StepUpFlow (the core's web flow) against the simulator, the dance of core/tests/flow.rs:
// guard → start → picker → POST → wait → status pending → approve → status approved → the
// guard lets the request through once; a replay, another action and another user are refused;
// an API client gets 401 JSON. Once per store, and once with the blocking forms.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const omi = require('omi-push')
const { StepUp, StepUpFlow, generateNonce } = omi
const { setup } = require('./helpers.js')

const PAY = 'change-payment-method'
const KEY = 'node-flow-test-key-0123456789abcdef-0123456789'
const MESSAGE = 'Confirm the change of your payment method'
/** The CSRF token of the first form of a page (the core checks it on every POST). */
const formToken = (html) => html.match(/name="csrf" value="([^"]+)"/)[1]

async function flowSetup(t, store, options = {}) {
  const { sim, client } = await setup(t)
  sim.addUser({ id: 'user-2', devices: [{ id: 'dev-3' }] })
  const url = store === 'redis' ? process.env.OMI_PUSH_REDIS_URL : 'memory'
  assert.ok(url, 'OMI_PUSH_REDIS_URL is not set (run under scripts/with-redis)')
  const stepUp = new StepUp(client, { keys: KEY, minGapMs: 0, maxUnresolved: 5, store: url, storePrefix: `node-flow:${generateNonce()}:` })
  return { sim, stepUp, flow: new StepUpFlow(stepUp, { message: MESSAGE, ...options }) }
}

/** The flow's async or blocking forms, behind one async shape. */
function forms(flow, blocking) {
  return blocking
    ? { guard: async (o) => flow.guardSync(o), handle: async (r) => flow.handleSync(r) }
    : { guard: (o) => flow.guard(o), handle: (r) => flow.handle(r) }
}

for (const [store, blocking] of [['memory', false], ['memory', true], ['redis', false]]) {
  const name = `[${store}${blocking ? ', sync' : ''}]`

  test(`${name} the whole flow lets this user do this action once`, async (t) => {
    const { sim, flow } = await flowSetup(t, store)
    const { guard, handle } = forms(flow, blocking)
    const next = '/payment?card=new'
    const params = { action: PAY, next }

    let r = await guard({ action: PAY, userId: 'user-1', url: next })
    assert.equal(r.allow, false)
    assert.equal(r.response.status, 303)
    assert.equal(r.response.location, '/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew')

    // Two devices: the picker, and nothing sent yet.
    const picker = await handle({ method: 'GET', route: '/start', params, userId: 'user-1' })
    assert.equal(picker.status, 200)
    assert.match(picker.contentType, /^text\/html/)
    assert.ok(picker.body.includes('name="device"') && picker.body.includes('value="all"'), picker.body)
    assert.equal(sim.pushes().length, 0)
    assert.equal(picker.headers['Cache-Control'], 'no-store')
    // Without the picker's token (a form on another site): 403, nothing sent.
    const forged = await handle({ method: 'POST', route: '/start', params: { ...params, device: 'dev-1' }, userId: 'user-1' })
    assert.equal(forged.status, 403)
    assert.equal(sim.pushes().length, 0)

    // dev-1 picked: one push, the challenge in the session value, on to the waiting page.
    const csrf = formToken(picker.body)
    const picked = await handle({ method: 'POST', route: '/start', params: { ...params, device: 'dev-1', csrf }, userId: 'user-1' })
    assert.equal(picked.status, 303)
    assert.ok(picked.location.startsWith('/step-up/wait?action=change-payment-method'), picked.location)
    const session = picked.session
    assert.ok(session?.includes(PAY))
    const pushes = sim.pushes()
    assert.equal(pushes.length, 1)
    assert.deepEqual(pushes[0].deviceIds, ['dev-1'])

    const page = await handle({ method: 'GET', route: '/wait', params, userId: 'user-1', session })
    assert.equal(page.status, 200)
    assert.ok(page.body.includes(MESSAGE) && page.body.includes('role="status"'))
    let status = await handle({ method: 'GET', route: '/status', params, userId: 'user-1', session })
    assert.deepEqual([status.status, status.contentType, JSON.parse(status.body)], [200, 'application/json', { verdict: 'pending' }])
    r = await guard({ action: PAY, userId: 'user-1', session, url: next })
    assert.ok(!r.allow && r.response.location.startsWith('/step-up/wait?'), 'pending: back to the waiting page')
    assert.equal(sim.pushes().length, 1, 'no second push')

    sim.approve(pushes[0].nonce)
    status = await handle({ method: 'GET', route: '/status', params, userId: 'user-1', session })
    assert.deepEqual(JSON.parse(status.body), { verdict: 'approved', redirect: next })

    // Another action is not unlocked; another user cannot use this session value.
    assert.equal((await guard({ action: 'view-card-number', userId: 'user-1', session, url: '/card' })).allow, false)
    assert.equal((await guard({ action: PAY, userId: 'user-2', session, url: '/payment' })).allow, false)

    const ok = await guard({ action: PAY, userId: 'user-1', session, url: next })
    assert.equal(ok.allow, true)
    assert.ok(!ok.session.includes(PAY), 'the spent approval left the session value')
    // The old session value again (a copied cookie): refused.
    const replay = await guard({ action: PAY, userId: 'user-1', session, url: next })
    assert.equal(replay.allow, false)
    assert.equal(replay.response.status, 303)
  })
}

test('denied: the status and the waiting page say so and offer "Send again"; no open redirect', async (t) => {
  const { sim, flow } = await flowSetup(t, 'memory')
  const picker = await flow.handle({ method: 'GET', route: '/start', params: { action: PAY }, userId: 'user-1' })
  const csrf = formToken(picker.body)
  const r = await flow.handle({ method: 'POST', route: '/start', params: { action: PAY, next: '//evil.example/', device: 'all', csrf }, userId: 'user-1' })
  assert.equal(r.status, 303)
  assert.ok(r.location.endsWith('next=%2F'), r.location)
  sim.reject(sim.pushes()[0].nonce)
  const params = { action: PAY, next: '//evil.example/' }
  const status = await flow.handle({ method: 'GET', route: '/status', params, userId: 'user-1', session: r.session })
  assert.deepEqual(JSON.parse(status.body), { verdict: 'rejected' })
  const page = await flow.handle({ method: 'GET', route: '/wait', params, userId: 'user-1', session: r.session })
  assert.ok(page.body.includes('denied') && page.body.includes('Send again'), page.body)
})

test('an API client gets 401 JSON; nobody signed in gets 401; a bad action 400; a bad mount a ConfigError', async (t) => {
  const { flow, sim } = await flowSetup(t, 'memory')
  const api = await flow.guard({ action: PAY, userId: 'user-1', url: '/api/payment', wantsJson: true })
  assert.equal(api.allow, false)
  assert.deepEqual([api.response.status, api.response.contentType], [401, 'application/json'])
  assert.equal(JSON.parse(api.response.body).error, 'step_up_required')
  assert.equal((await flow.guard({ action: PAY, url: '/payment' })).response.status, 401)
  assert.equal((await flow.handle({ method: 'GET', route: '/start', params: { action: 'bad action' }, userId: 'user-1' })).status, 400)
  assert.equal((await flow.handle({ method: 'GET', route: '/nope', params: { action: PAY }, userId: 'user-1' })).status, 404)
  assert.equal(sim.pushes().length, 0)

  const stepUp = new StepUp(new omi.Client(sim.clientOptions()), { keys: KEY })
  for (const mount of ['step-up', '/step-up/', '/a?b']) {
    assert.throws(() => new StepUpFlow(stepUp, { mount }), omi.ConfigError, mount)
  }
  assert.throws(() => new StepUpFlow(stepUp, { mount: 42 }), TypeError)
  assert.throws(() => new StepUpFlow({}, {}), TypeError)
  assert.throws(() => flow.guardSync({ action: PAY, url: '/x', user: 'typo' }), TypeError)
  assert.throws(() => flow.handleSync({ method: 'GET', route: '/start', params: { action: 1 } }), TypeError)
  assert.equal(flow.mount, '/step-up')
  assert.equal(JSON.stringify(flow), '{"mount":"/step-up"}')
})

test('the app\'s layout wraps every page of the flow; one without {{content}} is a ConfigError', async (t) => {
  const layout = '<html><head><title>Shop: {{title}}</title>{{head}}</head><body>{{content}}</body></html>'
  const { flow, stepUp } = await flowSetup(t, 'memory', { layout })
  const picker = await flow.handle({ method: 'GET', route: '/start', params: { action: PAY }, userId: 'user-1' })
  assert.ok(picker.body.startsWith('<html><head><title>Shop: Confirm on your phone</title>'), picker.body)
  assert.ok(picker.body.endsWith('</main></body></html>') && picker.body.includes('name="csrf"'), picker.body)
  assert.throws(() => new StepUpFlow(stepUp, { layout: '<html>no content</html>' }), omi.ConfigError)
  assert.throws(() => new StepUpFlow(stepUp, { layout: 42 }), TypeError)
})
