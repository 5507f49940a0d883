'use strict'
// Shared test set-up: a fresh simulator per test and a client that talks to it.
const { Client } = require('omi-push')
const { Simulator } = require('omi-push/testing')

const USERS = [
  {
    id: 'user-1',
    devices: [
      { id: 'dev-1', name: 'Pixel 9', platform: 'android' },
      { id: 'dev-2', name: 'iPhone 16', platform: 'ios' },
    ],
  },
]

/** Starts a simulator, registers its stop with `t.after`, returns `{ sim, client }`. */
async function setup(t, { sim: simConfig = {}, client: clientOptions = {} } = {}) {
  const sim = await Simulator.start({ users: USERS, ...simConfig })
  t.after(() => sim.stop())
  const client = new Client(sim.clientOptions({ pollIntervalMs: 100, requestTimeoutMs: 3000, ...clientOptions }))
  return { sim, client }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

module.exports = { setup, sleep, USERS }
