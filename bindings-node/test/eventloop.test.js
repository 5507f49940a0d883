'use strict'
// The event loop keeps ticking during a wait; 1,000 concurrent waits complete correctly.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { setup } = require('./helpers.js')

test('a timer fires on time while waitForConfirmation runs', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  setTimeout(() => sim.approve(ticket.nonce), 1200)
  const started = performance.now()
  const ticks = []
  const timer = setInterval(() => ticks.push(performance.now() - started), 100)
  let fired
  const once = new Promise((resolve) => setTimeout(() => resolve((fired = performance.now() - started)), 300))
  const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 10_000 })
  clearInterval(timer)
  await once
  assert.equal(outcome.kind, 'confirmed')
  // Generous bounds: a shared 2-core machine.
  assert.ok(fired >= 295 && fired < 1000, `the 300 ms timer fired at ${fired} ms`)
  assert.ok(ticks.length >= 6, `the 100 ms interval ticked ${ticks.length} times in ~1.2 s`)
})

test('the sync form blocks the event loop (as documented)', async (t) => {
  const { client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', message: 'hi' })
  let fired = false
  setTimeout(() => (fired = true), 10)
  const outcome = client.waitForConfirmationSync(ticket, { timeoutMs: 300, pollIntervalMs: 100 })
  assert.equal(outcome.kind, 'timed_out')
  assert.equal(fired, false, 'no timer ran during the blocking wait')
})

test('1,000 concurrent waits in one process complete correctly', async (t) => {
  const { sim, client } = await setup(t, { client: { pollIntervalMs: 200 } })
  const N = 1000
  const tickets = []
  for (let i = 0; i < N; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) =>
      client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: `payment ${i + j}` }),
    )
    tickets.push(...(await Promise.all(batch)))
  }
  assert.equal(new Set(tickets.map((tk) => tk.nonce)).size, N)
  const expected = new Map()
  const started = Date.now()
  const waits = tickets.map((tk, i) => {
    expected.set(tk.nonce, i % 3 === 0 ? 'rejected' : 'confirmed')
    return client.waitForConfirmation(tk, { timeoutMs: 60_000 }).then((o) => [tk.nonce, o])
  })
  // Answer in bulk while the waits poll.
  setTimeout(() => {
    for (const [nonce, kind] of expected) (kind === 'rejected' ? sim.reject : sim.approve).call(sim, nonce)
  }, 300)
  const results = await Promise.all(waits)
  for (const [nonce, outcome] of results) assert.equal(outcome.kind, expected.get(nonce), nonce)
  const took = Date.now() - started
  assert.ok(took < 50_000, `took ${took} ms`)
  // Each wait polled a handful of times, not in a tight loop.
  const polls = sim.count('confirmation', 'GET')
  assert.ok(polls >= N && polls < N * 20, `${polls} polls`)
})

test('the sync form in a worker thread leaves the main event loop free', async (t) => {
  const { Worker } = require('node:worker_threads')
  const { sim, client } = await setup(t, { sim: { autoRespond: { action: 'approve', delayMs: 500 } } })
  const ticket = await client.sendPush({ userId: 'user-1', message: 'from a worker' })
  const source = `
    const { workerData, parentPort } = require('node:worker_threads')
    const { Client, PushTicket } = require(${JSON.stringify(require.resolve('omi-push'))})
    const client = new Client(workerData.options)
    parentPort.postMessage(client.waitForConfirmationSync(PushTicket.parse(workerData.ticket), { timeoutMs: 10000 }))
  `
  let ticks = 0
  const interval = setInterval(() => ticks++, 50)
  const worker = new Worker(source, { eval: true, workerData: { options: sim.clientOptions({ pollIntervalMs: 100 }), ticket: String(ticket) } })
  const outcome = await new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  clearInterval(interval)
  await worker.terminate()
  assert.equal(outcome.kind, 'confirmed')
  assert.ok(ticks >= 4, `the main thread ticked ${ticks} times during the worker's blocking wait`)
})
