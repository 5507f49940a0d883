'use strict'
// Results are the shared records (isFinal, confirmed from the core); every operation has a
// blocking form; the client options are the core's record, including its newest options.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const omi = require('omi-push')
const { Client, PushTicket } = omi
const { CLIENT_OPTIONS, coreOptions } = require('../lib/client.js')
const native = require('../native.js')
const { setup } = require('./helpers.js')

const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

test('every option of the core record is a client option here, and no other', () => {
  // The wrapper sets user_agent_suffix itself (node/<version>).
  const core = native.__clientOptionNames().filter((n) => n !== 'user_agent_suffix').map(camel).sort()
  assert.deepEqual(Object.keys(CLIENT_OPTIONS).sort(), core)
  const o = coreOptions({ baseUrl: 'https://t.example', callTimeoutMs: 2500, maxResponseBytes: 4096, paths: { pushAll: '/p/{userId}' } })
  assert.deepEqual({ ...o, user_agent_suffix: undefined }, {
    base_url: 'https://t.example',
    call_timeout_ms: 2500,
    max_response_bytes: 4096,
    paths: { push_all: '/p/{userId}' },
    user_agent_suffix: undefined,
  })
  assert.throws(() => coreOptions({ baseUrl: 'https://t', maxResponseBytes: 'big' }), TypeError)
  assert.throws(() => coreOptions({ baseUrl: 'https://t', callTimeout: 5 }), TypeError)
})

test('maxResponseBytes caps a response body: a larger one is a protocol error', async (t) => {
  const devices = Array.from({ length: 30 }, (_, i) => ({ id: `device-${i}`, name: `A phone with a long name ${'x'.repeat(40)}` }))
  const users = [{ id: 'many', devices }]
  const { client: roomy } = await setup(t, { sim: { users } })
  assert.equal((await roomy.listDevices('many')).length, 30)
  const { client } = await setup(t, { sim: { users }, client: { maxResponseBytes: 1024, maxRetries: 0 } })
  await assert.rejects(client.listDevices('many'), omi.ProtocolError)
  assert.throws(() => new Client({ baseUrl: 'https://t.example', clientId: 'a', clientSecret: 'b', maxResponseBytes: 10 }), omi.ConfigError)
})

test('callTimeoutMs bounds a whole call, retries included', async (t) => {
  const { sim, client } = await setup(t, { client: { callTimeoutMs: 400, maxRetries: 2 } })
  sim.addFault({ route: 'devices', latencyMs: 2000 })
  const started = performance.now()
  const e = await client.listDevices('user-1').then(() => assert.fail('no error'), (err) => err)
  const took = performance.now() - started
  assert.ok(e instanceof omi.TransportError && e.timeout, `${e}`)
  assert.ok(took < 1500, `took ${took} ms`)
  assert.throws(() => new Client({ baseUrl: 'https://t.example', clientId: 'a', clientSecret: 'b', callTimeoutMs: -1 }), omi.OmiError)
})

test('requestBudget spaces the requests of the whole client; http2 takes auto, always or never', async (t) => {
  const { sim, client } = await setup(t, { client: { requestBudget: 5 } })
  const ticket = await client.sendPush({ userId: 'user-1', message: 'budget' })
  sim.clearLog()
  const started = performance.now()
  await Promise.all(Array.from({ length: 6 }, () => client.confirmationStatus(ticket)))
  const took = performance.now() - started
  assert.ok(took >= 800, `6 requests at 5 a second took ${Math.round(took)} ms`)
  const times = sim.requestLog().map((e) => e.tMs)
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 150, `spacing ${times}`)
  const { client: plain } = await setup(t, { client: { http2: 'never' } })
  assert.equal((await plain.listDevices('user-1')).length, 2)
  assert.throws(() => new Client({ baseUrl: 'https://t.example', clientId: 'a', clientSecret: 'b', http2: 'sometimes' }), omi.ConfigError)
  assert.throws(() => new Client({ baseUrl: 'https://t.example', clientId: 'a', clientSecret: 'b', requestBudget: 1.5 }), TypeError)
})

test('records: Status.isFinal and Outcome.confirmed are the core values; results are plain JSON data', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'records' })
  const pending = await client.confirmationStatus(ticket)
  assert.deepEqual(pending, { state: 'pending', raw: 'PENDING', isFinal: false })
  sim.setState(ticket.nonce, 'APPROVING')
  assert.deepEqual(await client.confirmationStatus(ticket), { state: 'unknown', raw: 'APPROVING', isFinal: false })
  sim.setState(ticket.nonce, 'REJECTED')
  assert.equal((await client.confirmationStatus(ticket)).isFinal, true)
  const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 3000 })
  assert.equal(outcome.kind, 'rejected')
  assert.equal(outcome.confirmed, false)
  assert.deepEqual(JSON.parse(JSON.stringify(outcome)), outcome)
  const [device] = await client.listDevices('user-1')
  assert.deepEqual(JSON.parse(JSON.stringify(device)), device)
})

test('every operation has a blocking form', async (t) => {
  const { sim, client } = await setup(t)
  assert.deepEqual(client.listDevicesSync('user-1').map((d) => d.id), ['dev-1', 'dev-2'])
  const ticket = client.sendPushSync({ userId: 'user-1', deviceId: 'dev-2', message: 'sync' })
  assert.ok(ticket instanceof PushTicket)
  assert.equal(ticket.deviceId, 'dev-2')
  assert.deepEqual(client.confirmationStatusSync(ticket), { state: 'pending', raw: 'PENDING', isFinal: false })
  sim.approve(ticket)
  assert.equal(client.confirmationStatusSync(ticket.nonce).state, 'confirmed')
  assert.equal(client.waitForConfirmationSync(ticket, { timeoutMs: 3000 }).kind, 'confirmed')
  assert.throws(() => client.listDevicesSync('nobody'), omi.NotFoundError)
  assert.throws(() => client.sendPushSync({ userId: 'user-1', message: 7 }), TypeError)
  assert.throws(() => client.confirmationStatusSync('short'), omi.InvalidArgumentError)
})
