// Your own integration test, against the in-process simulator from omi-push/testing.
// #region readme-testing
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Client } from 'omi-push'
import { Simulator } from 'omi-push/testing'

test('a confirmed push lets the payment change go ahead', async (t) => {
  const sim = await Simulator.start({ users: [{ id: 'alice', devices: [{ id: 'phone-1', name: 'Pixel' }] }] })
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))

  const ticket = await client.sendPush({ userId: 'alice', deviceId: 'phone-1', message: 'Confirm?' })
  setTimeout(() => sim.approve(ticket.nonce), 200) // the user taps Approve on the phone
  const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 5_000 })

  assert.equal(outcome.kind, 'confirmed')
  assert.equal(sim.count('push_device', 'POST'), 1) // the request log: exactly one push sent
})

test('a slow, flaky server: faults and auto-respond', async (t) => {
  const sim = await Simulator.start({ autoRespond: { action: 'reject', delayMs: 300 } })
  t.after(() => sim.stop())
  sim.addFault({ route: 'confirmation', status: 503, times: 2 }) // two failed polls, then normal
  const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))

  const ticket = await client.sendPush({ userId: 'user-1', message: 'Confirm?' })
  const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 10_000 })

  assert.equal(outcome.kind, 'rejected')
  assert.ok(sim.requestLog().some((entry) => entry.route === 'confirmation' && entry.status === 503))
})
// #endregion
