'use strict'
// Runs every scenario of tests/conformance/ unchanged, each as its own test, through the
// public API. Simulator-side steps go to `Simulator#control`.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { inspect } = require('node:util')
const { Client, OmiError } = require('omi-push')
const { Simulator } = require('omi-push/testing')

const DIR = process.env.OMI_CONFORMANCE_DIR || path.join(__dirname, '..', '..', 'tests', 'conformance')
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort() : []

const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

/** `{"repeat": "x", "times": n}` builds a long string; anything else is itself. */
function value(v) {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'repeat' in v) return String(v.repeat).repeat(v.times)
  return v
}

function clientOptions(sim, spec = {}) {
  const opts = { baseUrl: sim.baseUrl }
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'wrong_secret' || k === 'access_token') continue
    opts[camel(k)] = v
  }
  if (spec.access_token !== undefined) {
    opts.accessToken = spec.access_token
  } else {
    opts.clientId = sim.clientId
    opts.clientSecret = spec.wrong_secret ? `${sim.clientSecret}-wrong` : sim.clientSecret
  }
  return opts
}

async function clientStep(client, step) {
  switch (step.do) {
    case 'list_devices': {
      const devices = await client.listDevices(value(step.user_id))
      return { device_ids: devices.map((d) => d.id) }
    }
    case 'send_push': {
      const req = { userId: value(step.user_id), message: value(step.message) }
      if (step.device_id !== undefined) req.deviceId = value(step.device_id)
      if (step.nonce !== undefined) req.nonce = value(step.nonce)
      return { ok: true, ticket: await client.sendPush(req) }
    }
    case 'status':
      return { state: (await client.confirmationStatus(step.nonce)).state }
    case 'wait': {
      const opts = {}
      if (step.timeout_ms !== undefined) opts.timeoutMs = step.timeout_ms
      if (step.poll_interval_ms !== undefined) opts.pollIntervalMs = step.poll_interval_ms
      return { outcome: (await client.waitForConfirmation(step.nonce, opts)).kind }
    }
    default:
      return undefined
  }
}

/** What a `"redacted": true` error must not show: the client secret and the Basic value. */
function secretsOf(sim) {
  return [sim.clientSecret, Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64')]
}

/** No form of the error shows a secret; every text form (not the bare fields) shows the echo. */
function checkRedacted(where, error, secrets) {
  const texts = { message: error.message, 'String(error)': String(error), 'util.inspect': inspect(error) }
  const all = { ...texts, 'own fields': JSON.stringify({ ...error }) }
  for (const [how, text] of Object.entries(all)) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `${where}: the error's ${how} shows a secret: ${text}`)
  }
  for (const [how, text] of Object.entries(texts)) {
    assert.ok(text.includes('***'), `${where}: expected a redacted echo in the error's ${how}: ${text}`)
  }
}

function check(where, expect, result, error, secrets) {
  if (expect.error !== undefined) {
    assert.ok(error, `${where}: expected error ${expect.error}, got ${JSON.stringify(result && { ...result, ticket: undefined })}`)
    assert.ok(error instanceof OmiError, `${where}: ${error} is not an OmiError`)
    assert.equal(error.kind, expect.error, `${where}: ${error.message}`)
    assert.equal(error.code, `OMI_${expect.error.toUpperCase()}`, where)
    if (expect.field !== undefined) assert.equal(error.field, expect.field, where)
    if (expect.scope !== undefined) assert.equal(error.missingScope, expect.scope, where)
    if (expect.redacted) checkRedacted(where, error, secrets)
    return
  }
  if (error) throw new assert.AssertionError({ message: `${where}: unexpected ${error.name} ${error.code}: ${error.message}` })
  for (const key of ['device_ids', 'ok', 'state', 'outcome']) {
    if (expect[key] !== undefined) assert.deepEqual(result[key], expect[key], `${where}: ${key}`)
  }
}

test('the conformance scenarios are present', () => {
  assert.ok(files.length > 0, `no scenarios in ${DIR}`)
})

for (const file of files) {
  const scenario = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
  test(`conformance: ${scenario.name ?? file}`, async (t) => {
    const sim = await Simulator.start({ ...(scenario.sim ?? {}), mode: 'test' })
    t.after(() => sim.stop())
    const client = new Client(clientOptions(sim, scenario.client))
    const tickets = new Map()
    const secrets = secretsOf(sim)
    for (const [i, raw] of scenario.steps.entries()) {
      const step = { ...raw }
      const where = `${file} step ${i} (${step.do})`
      if (step.ticket !== undefined) {
        assert.ok(tickets.has(step.ticket), `${where}: no ticket saved as ${step.ticket}`)
        step.nonce = tickets.get(step.ticket).nonce
      }
      if (['list_devices', 'send_push', 'status', 'wait'].includes(step.do)) {
        let result
        let error
        const started = performance.now()
        try {
          result = await clientStep(client, step)
        } catch (e) {
          error = e
        }
        const tookMs = performance.now() - started
        if (step.max_ms !== undefined) {
          assert.ok(tookMs <= step.max_ms, `${where}: took ${Math.round(tookMs)} ms, more than max_ms ${step.max_ms}`)
        }
        if (result?.ticket && step.save !== undefined) tickets.set(step.save, result.ticket)
        check(where, step.expect ?? {}, result, error, secrets)
      } else {
        const { ticket: _ticket, ...forSim } = step
        await sim.control(forSim).catch((e) => {
          throw new assert.AssertionError({ message: `${where}: ${e.message}` })
        })
      }
    }
  })
}
