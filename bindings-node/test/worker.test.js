'use strict'
// `worker.terminate()` during a blocking wait ends the worker promptly and stops polling.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Worker } = require('node:worker_threads')
const { setup, sleep } = require('./helpers.js')

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const { Client } = require(workerData.pkg)
const client = new Client(workerData.options)
parentPort.postMessage('waiting')
const outcome = client.waitForConfirmationSync(workerData.nonce, { timeoutMs: 60_000, pollIntervalMs: 100 })
parentPort.postMessage('returned ' + outcome.kind)
`

test('worker.terminate() during waitForConfirmationSync ends the wait promptly', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'worker' })
  const options = sim.clientOptions({ pollIntervalMs: 100 })
  const worker = new Worker(WORKER, { eval: true, workerData: { pkg: require.resolve('omi-push'), options, nonce: ticket.nonce } })
  const messages = []
  worker.on('message', (m) => messages.push(m))
  await new Promise((resolve) => worker.once('message', resolve))
  await sleep(400)
  assert.ok(sim.count('confirmation', 'GET') >= 1, 'the worker polls')
  const started = performance.now()
  await worker.terminate()
  const took = performance.now() - started
  assert.ok(took < 1000, `terminate took ${Math.round(took)} ms`)
  const polls = sim.count('confirmation', 'GET')
  await sleep(400)
  assert.equal(sim.count('confirmation', 'GET'), polls, 'polling stopped with the worker')
  assert.deepEqual(messages, ['waiting'])
})

const ASYNC_WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const { Client } = require(workerData.pkg)
const client = new Client({ ...workerData.options, onEvent: () => {} })
client.waitForConfirmation(workerData.nonce, { timeoutMs: 60_000, pollIntervalMs: 100 })
parentPort.postMessage('waiting')
`

test('worker.terminate() stops the async waits of the worker too (their promises cannot settle any more)', async (t) => {
  const { sim, client } = await setup(t)
  const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'async worker' })
  const options = sim.clientOptions({ pollIntervalMs: 100 })
  const worker = new Worker(ASYNC_WORKER, { eval: true, workerData: { pkg: require.resolve('omi-push'), options, nonce: ticket.nonce } })
  await new Promise((resolve) => worker.once('message', resolve))
  await sleep(400)
  assert.ok(sim.count('confirmation', 'GET') >= 1, 'the worker polls')
  await worker.terminate()
  const polls = sim.count('confirmation', 'GET')
  await sleep(500)
  assert.equal(sim.count('confirmation', 'GET'), polls, 'polling stopped with the worker')
  // This thread's own calls are not affected.
  assert.equal((await client.confirmationStatus(ticket)).state, 'pending')
})
