'use strict'
// `npm start`: the example app on the embedded OMI simulator (or a real tenant, see README.md).
// Prints the app's URL and the virtual phone page's URL.
const crypto = require('node:crypto')
const { Client, StepUp } = require('omi-push')
const { createApp } = require('./app.js')

const DEMO_DEVICE = 'demo-phone'

/** A 32-byte key from the environment (hex or base64), or a fresh random one. */
function key(value) {
  if (!value) return crypto.randomBytes(32)
  const k = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64')
  if (k.length !== 32) throw new Error('SESSION_KEY must be 32 bytes (64 hex digits or base64)')
  return k
}

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
  const stepUp = new StepUp(new Client(clientOptions), {
    // A key from your secrets store in production (at least 32 bytes); a fresh one per run here.
    keys: env.STEP_UP_KEY ?? crypto.randomBytes(32),
    store: env.REDIS_URL ?? 'memory',
    ...(sim ? { minGapMs: 0 } : {}),
  })
  let app
  try {
    app = await createApp({ stepUp, userId, sessionKey: key(env.SESSION_KEY) })
    await app.listen({ port, host })
  } catch (e) {
    sim?.stop()
    throw e
  }
  const url = `http://${host}:${app.server.address().port}/`
  const close = async () => {
    await app.close()
    sim?.stop()
  }
  return { url, phoneUrl: sim?.phoneUrl(DEMO_DEVICE), sim, close }
}

if (require.main === module) {
  start().then(
    ({ url, phoneUrl, close }) => {
      console.log(`App:           ${url}`)
      if (phoneUrl) console.log(`Virtual phone: ${phoneUrl}`)
      else console.log(`OMI tenant:    ${process.env.OMI_BASE_URL}`)
      for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => close().then(() => process.exit(0)))
    },
    (err) => {
      console.error(err)
      process.exit(1)
    },
  )
}

module.exports = { start, DEMO_DEVICE }
