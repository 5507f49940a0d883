'use strict'
// AbortSignal cancels a wait before or during the call, with or without the user's own
// listeners, and polling stops (checked in the simulator's request log).
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { CancelledError, OmiError } = require('omi-push')
const { setup, sleep } = require('./helpers.js')

function isAbort(reason) {
  return (e) => {
    assert.ok(e instanceof CancelledError, String(e))
    assert.ok(e instanceof OmiError)
    assert.equal(e.name, 'AbortError')
    assert.equal(e.code, 'OMI_CANCELLED')
    if (reason !== undefined) assert.equal(e.cause, reason)
    return true
  }
}

/** Polls logged for a nonce. */
const polls = (sim, nonce) => sim.requestLog().filter((e) => e.route === 'confirmation' && e.query?.includes(nonce)).length

test('an already aborted signal rejects at once and sends nothing', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  const reason = new Error('user left')
  const started = Date.now()
  await assert.rejects(client.waitForConfirmation(ticket, { timeoutMs: 5000, signal: AbortSignal.abort(reason) }), isAbort(reason))
  assert.ok(Date.now() - started < 1000)
  await sleep(300)
  assert.equal(polls(sim, ticket.nonce), 0)
})

test('aborting during a wait rejects promptly and polling stops', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  const ac = new AbortController()
  const wait = client.waitForConfirmation(ticket, { timeoutMs: 20_000, pollIntervalMs: 50, signal: ac.signal })
  await sleep(400)
  const before = polls(sim, ticket.nonce)
  assert.ok(before >= 2, `polling had started (${before} polls)`)
  const abortedAt = Date.now()
  ac.abort()
  await assert.rejects(wait, isAbort(ac.signal.reason))
  assert.ok(Date.now() - abortedAt < 1000, 'rejected promptly')
  const atAbort = polls(sim, ticket.nonce)
  await sleep(500)
  assert.equal(polls(sim, ticket.nonce), atAbort, 'no poll after the abort')
  assert.ok(atAbort - before <= 1)
})

test('AbortSignal.timeout() cancels the wait', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  const signal = AbortSignal.timeout(300)
  const started = Date.now()
  await assert.rejects(client.waitForConfirmation(ticket, { timeoutMs: 20_000, pollIntervalMs: 50, signal }), (e) => {
    isAbort()(e)
    assert.equal(e.cause.name, 'TimeoutError')
    return true
  })
  const took = Date.now() - started
  assert.ok(took >= 250 && took < 3000, `took ${took} ms`)
  const n = polls(sim, ticket.nonce)
  await sleep(400)
  assert.equal(polls(sim, ticket.nonce), n)
})

test("the user's own onabort and listeners do not break cancellation", async (t) => {
  const { client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  const ac = new AbortController()
  const seen = []
  ac.signal.onabort = () => seen.push('onabort')
  ac.signal.addEventListener('abort', () => seen.push('listener'))
  const wait = client.waitForConfirmation(ticket, { timeoutMs: 20_000, signal: ac.signal })
  // Reassigning onabort after the wait started must not detach the wait either.
  ac.signal.onabort = () => seen.push('onabort 2')
  setTimeout(() => ac.abort(), 150)
  await assert.rejects(wait, isAbort())
  assert.deepEqual(seen.sort(), ['listener', 'onabort 2'])
})

test('one signal cancels many waits; a finished wait ignores a later abort', async (t) => {
  const { sim, client } = await setup(t)
  const done = await client.sendPush({ userId: 'user-1', message: 'done' })
  sim.approve(done.nonce)
  const ac = new AbortController()
  const outcome = await client.waitForConfirmation(done, { timeoutMs: 5000, signal: ac.signal })
  assert.equal(outcome.kind, 'confirmed')
  const tickets = await Promise.all([1, 2, 3].map((i) => client.sendPush({ userId: 'user-1', message: `m${i}` })))
  const waits = tickets.map((tk) => client.waitForConfirmation(tk, { timeoutMs: 20_000, signal: ac.signal }))
  setTimeout(() => ac.abort(), 100)
  const results = await Promise.allSettled(waits)
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected'])
  for (const r of results) isAbort()(r.reason)
})
