'use strict'
// The testing helper is a thin shim over the one simulator handle: every method is one JSON
// request; wrong argument types are TypeErrors before any request; refusals are SimulatorErrors.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Simulator, SimulatorError } = require('omi-push/testing')

test('wrong argument types to the testing helper are TypeErrors', async (t) => {
  const sim = await Simulator.start()
  t.after(() => sim.stop())
  const typeError = (e) => e instanceof TypeError && !(e instanceof SimulatorError)
  assert.throws(() => sim.addFault([]), typeError)
  assert.throws(() => sim.addFault(null), typeError)
  assert.throws(() => sim.addUser('alice'), typeError)
  assert.throws(() => sim.addDevice(7, { id: 'd' }), typeError)
  assert.throws(() => sim.approve(42), typeError)
  assert.throws(() => sim.setState('nonce-nonce-nonce-0000', 5), typeError)
  assert.throws(() => sim.count(5), typeError)
  assert.throws(() => sim.phoneUrl({}), typeError)
  assert.throws(() => sim.pushes(3), typeError)
  await assert.rejects(Simulator.start('users'), typeError)
  await assert.rejects(sim.control([]), typeError)
  assert.equal(sim.requestLog().length, 0, 'nothing was sent')
})

test('values the simulator refuses are SimulatorErrors with its reason', async (t) => {
  const sim = await Simulator.start()
  t.after(() => sim.stop())
  assert.throws(() => sim.addFault({ route: 'nowhere' }), (e) => e instanceof SimulatorError && /route|variant/.test(e.message))
  assert.throws(() => sim.approve('no-such-nonce-000000'), SimulatorError)
  await assert.rejects(Simulator.start({ port: 'x' }), SimulatorError)
  sim.addFault({ route: 'devices', status: 503, times: 1 })
  assert.deepEqual(sim.pushes('dev-1'), [])
})
