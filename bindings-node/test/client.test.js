'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const omi = require('omi-push')
const { Client, PushTicket, OmiError } = omi
const { Simulator, SimulatorError } = require('omi-push/testing')
const { setup, sleep } = require('./helpers.js')

test('lists devices as plain objects', async (t) => {
  const { client } = await setup(t)
  const devices = await client.listDevices('user-1')
  assert.deepEqual(devices.map((d) => d.id), ['dev-1', 'dev-2'])
  assert.equal(devices[0].name, 'Pixel 9')
  assert.equal(devices[0].platform, 'android')
  assert.equal(typeof devices[0].createdAt, 'string')
  assert.deepEqual(devices[0].extra, {})
  assert.equal(Object.getPrototypeOf(devices[0]), Object.prototype)
})

test('push, status, approve, wait: confirmed', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'Confirm the new card' })
  assert.ok(ticket instanceof PushTicket)
  assert.equal(ticket.userId, 'user-1')
  assert.equal(ticket.deviceId, 'dev-1')
  assert.ok(Math.abs(ticket.sentAtMs - Date.now()) < 60_000)
  assert.ok(ticket.expiresAt instanceof Date)
  assert.deepEqual(await client.confirmationStatus(ticket), { state: 'pending', raw: 'PENDING', isFinal: false })
  assert.deepEqual(sim.pushes().map((p) => [p.nonce, p.message, p.deviceIds]), [[ticket.nonce, 'Confirm the new card', ['dev-1']]])
  setTimeout(() => sim.approve(ticket.nonce), 250)
  const outcome = await client.waitForConfirmation(ticket.nonce, { timeoutMs: 5000 })
  assert.equal(outcome.kind, 'confirmed')
  assert.equal(outcome.confirmed, true)
  assert.equal(outcome.lastStatus, 'CONFIRMED')
  assert.ok(outcome.polls >= 1)
  assert.ok(outcome.elapsedMs >= 200)
})

test('rejected, expired and timed out are outcomes, not errors', async (t) => {
  const { sim, client } = await setup(t)
  const a = await client.sendPush({ userId: 'user-1', message: 'a' })
  const b = await client.sendPush({ userId: 'user-1', message: 'b' })
  const c = await client.sendPush({ userId: 'user-1', message: 'c' })
  sim.reject(a.nonce)
  sim.expire(b.nonce)
  const [ra, rb, rc] = await Promise.all([
    client.waitForConfirmation(a, { timeoutMs: 3000 }),
    client.waitForConfirmation(b, { timeoutMs: 3000 }),
    client.waitForConfirmation(c, { timeoutMs: 400, pollIntervalMs: 100 }),
  ])
  assert.deepEqual([ra.kind, rb.kind, rc.kind], ['rejected', 'expired', 'timed_out'])
  assert.equal(rc.confirmed, false)
})

test('a PushTicket round-trips through a string and JSON', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-2', message: 'hi' })
  const text = String(ticket)
  assert.match(text, /^omi1\.[A-Za-z0-9_-]+$/)
  const back = PushTicket.parse(text)
  assert.deepEqual({ ...back }, { ...ticket })
  assert.equal(String(back), text)
  const session = JSON.parse(JSON.stringify({ ticket }))
  assert.equal(session.ticket, text)
  sim.approve(ticket.nonce)
  const outcome = await client.waitForConfirmation(PushTicket.parse(session.ticket), { timeoutMs: 3000 })
  assert.equal(outcome.kind, 'confirmed')
  assert.throws(() => PushTicket.parse('nonsense'), (e) => e instanceof omi.InvalidArgumentError && e.field === 'ticket')
  assert.ok(Object.isFrozen(ticket))
})

test('a caller nonce is used as is', async (t) => {
  const { client } = await setup(t)
  const nonce = omi.generateNonce()
  assert.match(nonce, /^[A-Za-z0-9_-]{24}$/)
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'hi', nonce })
  assert.equal(ticket.nonce, nonce)
})

test('the sync form waits and returns the same outcome shape', async (t) => {
  const { sim, client } = await setup(t, { sim: { autoRespond: { action: 'approve', delayMs: 200 } } })
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'hi' })
  const outcome = client.waitForConfirmationSync(ticket.nonce, { timeoutMs: 5000, pollIntervalMs: 50 })
  assert.equal(outcome.kind, 'confirmed')
  const other = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'again' })
  sim.setAutoRespond(null)
  assert.throws(() => client.waitForConfirmationSync(other, { timeoutMs: 0 }), omi.InvalidArgumentError)
  assert.throws(() => client.waitForConfirmationSync(other, { signal: AbortSignal.abort() }), TypeError)
})

test('bad argument types throw TypeError synchronously and send nothing', async (t) => {
  const { sim, client } = await setup(t)
  const calls = [
    () => client.listDevices(42),
    () => client.listDevices(),
    () => client.sendPush('user-1', 'hi'),
    () => client.sendPush({ userId: 'user-1' }),
    () => client.sendPush({ userId: 'user-1', message: 'hi', deviceID: 'dev-1' }),
    () => client.sendPush({ userId: 'user-1', message: 7 }),
    () => client.confirmationStatus(null),
    () => client.waitForConfirmation(1234),
    () => client.waitForConfirmation('AAAAAAAAAAAAAAAAAAAAAAAA', { timeoutMs: '5s' }),
    () => client.waitForConfirmation('AAAAAAAAAAAAAAAAAAAAAAAA', { signal: {} }),
    () => client.waitForConfirmation('AAAAAAAAAAAAAAAAAAAAAAAA', { timeout: 5000 }),
    () => client.waitForConfirmationSync('AAAAAAAAAAAAAAAAAAAAAAAA', 5000),
    () => new Client(),
    () => new Client('http://127.0.0.1:1'),
    () => new Client({ baseUrl: sim.baseUrl, clientId: 1, clientSecret: 'x' }),
    () => new Client({ baseUrl: sim.baseUrl, clientId: 'a', clientSecret: 'x', pollIntervalMs: '100' }),
    () => new Client({ baseUrl: sim.baseUrl, clientId: 'a', clientSecret: 'x', baseURL: 'typo' }),
    () => PushTicket.parse(5),
  ]
  for (const call of calls) {
    assert.throws(call, TypeError, String(call))
  }
  await sleep(50)
  assert.equal(sim.requestLog().length, 0)
})

test('invalid values reject with InvalidArgumentError naming the field, before any request', async (t) => {
  const { sim, client } = await setup(t)
  await assert.rejects(client.listDevices(''), (e) => e instanceof omi.InvalidArgumentError && e.field === 'user_id')
  await assert.rejects(client.sendPush({ userId: 'user-1', message: '   ' }), (e) => e.field === 'message')
  await assert.rejects(client.confirmationStatus('short'), (e) => e.code === 'OMI_INVALID_ARGUMENT' && e.field === 'nonce')
  await assert.rejects(client.waitForConfirmation('AAAAAAAAAAAAAAAAAAAAAAAA', { timeoutMs: -5 }), (e) => e.field === 'timeout')
  await assert.rejects(
    client.waitForConfirmation('AAAAAAAAAAAAAAAAAAAAAAAA', { pollIntervalMs: Number.NaN }),
    (e) => e.field === 'poll_interval',
  )
  assert.equal(sim.requestLog().length, 0)
})

test('errors are OmiError subclasses with a stable code and structured fields', async (t) => {
  const { sim, client } = await setup(t, { sim: { allowedScopes: ['credential:omi:devices:get', 'credential:omi:push-notification:status:get'] } })
  const denied = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'hi' }).catch((e) => e)
  assert.ok(denied instanceof omi.PermissionDeniedError)
  assert.ok(denied instanceof OmiError)
  assert.ok(denied instanceof Error)
  assert.equal(denied.name, 'PermissionDeniedError')
  assert.equal(denied.code, 'OMI_PERMISSION_DENIED')
  assert.equal(denied.kind, 'permission_denied')
  assert.equal(denied.status, 403)
  assert.equal(denied.missingScope, 'credential:omi:push-notification:device:post')
  assert.equal(denied.retryable, false)
  // Refused before sending (the token endpoint did not grant the scope): no request id.
  assert.equal(denied.requestId, undefined)

  const missing = await client.listDevices('nobody').catch((e) => e)
  assert.ok(missing instanceof omi.NotFoundError)
  assert.equal(missing.code, 'OMI_NOT_FOUND')
  assert.equal(missing.status, 404)
  assert.equal(missing.serverCode, 'USER_NOT_FOUND')

  sim.addFault({ route: 'devices', status: 429, retryAfterS: 7 })
  const limited = await client.listDevices('user-1').catch((e) => e)
  assert.ok(limited instanceof omi.RateLimitedError)
  assert.equal(limited.code, 'OMI_RATE_LIMITED')
  assert.equal(limited.status, 429)
  assert.equal(limited.retryAfterMs, 7000)
  assert.equal(limited.retryable, true)
  sim.clearFaults()

  sim.addFault({ route: 'devices', status: 500 })
  const server = await new Client(sim.clientOptions({ maxRetries: 0 })).listDevices('user-1').catch((e) => e)
  assert.ok(server instanceof omi.ServerError)
  assert.equal(server.code, 'OMI_SERVER')
  assert.equal(server.status, 500)
  assert.equal(server.retryable, true)
  sim.clearFaults()

  sim.addFault({ route: 'devices', drop: true })
  const dropped = await new Client(sim.clientOptions({ maxRetries: 0 })).listDevices('user-1').catch((e) => e)
  assert.ok(dropped instanceof omi.TransportError, String(dropped))
  assert.equal(dropped.code, 'OMI_TRANSPORT')
  sim.clearFaults()

  sim.addFault({ route: 'devices', malformed: true })
  const garbled = await client.listDevices('user-1').catch((e) => e)
  assert.ok(garbled instanceof omi.ProtocolError)
  assert.equal(garbled.code, 'OMI_PROTOCOL')
  sim.clearFaults()

  const refused = await new Client({ baseUrl: sim.baseUrl, clientId: sim.clientId, clientSecret: 'wrong' })
    .listDevices('user-1')
    .catch((e) => e)
  assert.ok(refused instanceof omi.AuthenticationError)
  assert.equal(refused.code, 'OMI_AUTHENTICATION')
  assert.equal(refused.serverCode, 'invalid_client')

  assert.throws(() => new Client({ baseUrl: 'http://example.com', clientId: 'a', clientSecret: 'b' }), (e) => e instanceof omi.ConfigError && e.code === 'OMI_CONFIG')
  assert.throws(() => new Client({ baseUrl: sim.baseUrl, clientId: 'a' }), omi.ConfigError)
  assert.throws(() => new Client({ baseUrl: sim.baseUrl, clientId: 'a', clientSecret: 'b', clientAuth: 'digest' }), omi.ConfigError)
  // Durations follow the core's one rule, as a wait's do: NaN or Infinity is refused, not
  // silently the default.
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
    for (const name of ['requestTimeoutMs', 'connectTimeoutMs', 'pollIntervalMs', 'waitTimeoutMs', 'callTimeoutMs']) {
      assert.throws(
        () => new Client({ baseUrl: sim.baseUrl, clientId: 'a', clientSecret: 'b', [name]: bad }),
        (e) => e instanceof omi.ConfigError && /positive, finite/.test(e.message),
        `${name}: ${bad}`,
      )
    }
  }
})

test('a static token is sent as is', async (t) => {
  const { sim } = await setup(t)
  const client = new Client({ baseUrl: sim.baseUrl, accessToken: 'static-token-not-issued' })
  await assert.rejects(client.listDevices('user-1'), omi.AuthenticationError)
  assert.equal(sim.count('token', 'POST'), 0)
})

test('the simulator helper: users, devices, phone, log, errors', async (t) => {
  const sim = await Simulator.start({ users: [], pushTtlMs: 60_000 })
  t.after(() => sim.stop())
  assert.match(sim.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.equal(sim.tokenUrl, `${sim.baseUrl}/auth/oauth2.0/v1/token`)
  sim.addUser({ id: 'alice', devices: [{ id: 'phone', name: 'Phone' }] })
  sim.addDevice('alice', { id: 'tablet', platform: 'ios' })
  assert.match(sim.phoneUrl('phone'), /\/_sim\/phone\/phone$/)
  const client = new Client(sim.clientOptions({ pollIntervalMs: 50 }))
  assert.deepEqual((await client.listDevices('alice')).map((d) => d.id), ['phone', 'tablet'])
  const ticket = await client.sendPush({ userId: 'alice', deviceId: 'tablet', message: 'ok?' })
  sim.setState(ticket.nonce, 'Confirmed')
  assert.deepEqual(await client.confirmationStatus(ticket.nonce), { state: 'confirmed', raw: 'Confirmed', isFinal: true })
  assert.throws(() => sim.approve('no-such-nonce-000000'), (e) => e instanceof SimulatorError && e.code === 'OMI_SIMULATOR')
  const log = sim.requestLog()
  assert.deepEqual(log.map((e) => e.route), ['token', 'devices', 'push_device', 'confirmation'])
  assert.equal(typeof log[0].tMs, 'number')
  assert.equal(sim.count('*', 'GET'), 2)
  sim.clearLog()
  assert.equal(sim.requestLog().length, 0)
  sim.revokeTokens()
  await client.listDevices('alice')
  assert.equal(sim.count('token', 'POST'), 1, 'a revoked token is refreshed once')
  await assert.rejects(Simulator.start({ nope: 1 }), SimulatorError)
  await assert.rejects(sim.control({ do: 'dance' }), SimulatorError)
  sim.stop()
  sim.stop()
  await assert.rejects(client.listDevices('alice'), omi.TransportError)
})
