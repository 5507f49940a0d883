'use strict'
// `npm start`: the example app on the embedded OMI simulator (or a real tenant, see README.md).
// Prints the app's URL and the virtual phone page's URL.
const crypto = require('node:crypto')
const { Client, StepUp } = require('omi-push')
const { createApp } = require('./app.js')

const DEMO_DEVICE = 'demo-phone'

/**
 * Starts the app on `port` (0 = any free one). Without OMI_BASE_URL an embedded simulator
 * is the OMI API. Resolves `{ url, phoneUrl, sim, close }` (`phoneUrl`/`sim` only with the
 * simulator).
 */
async function start({ port = Number(process.env.PORT ?? 3000), host = '127.0.0.1', env = process.env } = {}) {
  let sim
  let clientOptions
  const userId = env.DEMO_USER_ID ?? 'alice'
  if (env.OMI_BASE_URL) {
    clientOptions = { baseUrl: env.OMI_BASE_URL, clientId: env.OMI_CLIENT_ID, clientSecret: env.OMI_CLIENT_SECRET }
  } else {
    const { Simulator } = require('omi-push/testing')
    sim = await Simulator.start({ users: [{ id: userId, devices: [{ id: DEMO_DEVICE, name: 'Pixel 9', platform: 'android' }] }] })
    clientOptions = sim.clientOptions()
  }
  const client = new Client(clientOptions)
  const stepUp = new StepUp(client, {
    // A key from your secrets store in production (at least 32 bytes); a fresh one per run here.
    keys: env.STEP_UP_KEY ?? crypto.randomBytes(32),
    store: env.REDIS_URL ?? 'memory',
    ...(sim ? { minGapMs: 0 } : {}),
  })
  const server = createApp({ stepUp, userId }).listen(port, host)
  await new Promise((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  const url = `http://${host}:${server.address().port}/`
  const close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    sim?.stop()
  }
  return { url, phoneUrl: sim?.phoneUrl(DEMO_DEVICE), sim, close }
}

if (require.main === module) {
  start().then(
    ({ url, phoneUrl, close }) => {
      console.log(`App:           ${url}`)
      if (phoneUrl) console.log(`Virtual phone: ${phoneUrl}`)
      else console.log('OMI tenant:    ' + process.env.OMI_BASE_URL)
      for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => close().then(() => process.exit(0)))
    },
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}

module.exports = { start, DEMO_DEVICE }
