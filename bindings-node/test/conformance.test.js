'use strict'
// Runs every scenario of tests/conformance/ unchanged, each as its own test, through the
// public API. Simulator-side steps go to `Simulator#control`.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { inspect } = require('node:util')
const { Client, OmiError, StepUp, generateNonce } = require('omi-push')
const { Simulator, throwSampleError } = require('omi-push/testing')

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

const STEP_UP_KEY = 'conformance-step-up-key-0123456789abcdef'
const OTHER_KEY = 'another-step-up-key-0123456789abcdef0123'

/** The step-up of a scenario's `stepup` object, with `store` (memory, redis or down). */
function stepUp(client, spec, store, key) {
  const options = { keys: [key], minGapMs: 0, storePrefix: `conformance:${generateNonce()}:` }
  for (const [k, v] of Object.entries(spec)) if (k !== 'store') options[camel(k)] = v
  if (store === 'memory') options.store = 'memory'
  else if (store === 'down') options.store = 'redis://127.0.0.1:1/0'
  else {
    assert.ok(process.env.OMI_PUSH_REDIS_URL, 'OMI_PUSH_REDIS_URL is not set (make test sets it)')
    options.store = process.env.OMI_PUSH_REDIS_URL
  }
  return new StepUp(client, options)
}

/** A saved challenge, changed as a step's `edit` says. */
function edited(text, edit) {
  switch (edit) {
    case 'flip': {
      const mid = Math.floor(text.length / 2)
      return text.slice(0, mid) + (text[mid] === 'A' ? 'B' : 'A') + text.slice(mid + 1)
    }
    case 'truncate':
      return text.slice(0, Math.max(0, text.length - 5))
    case 'huge':
      return 'x'.repeat(1 << 20)
    default:
      return text
  }
}

async function stepUpStep(ctx, step) {
  assert.ok(ctx.stepUps, 'a step-up step needs a `stepup` object')
  const userId = value(step.user_id) ?? ''
  const action = value(step.action) ?? ''
  if (step.do === 'stepup_begin') {
    const su = step.other_key ? ctx.stepUps.other : ctx.stepUps.main
    const req = { userId, action, message: value(step.message) ?? '' }
    if (step.device_id !== undefined) req.deviceId = value(step.device_id)
    const challenge = await su.begin(req)
    ctx.challenges.set(step.save, challenge.text)
    ctx.tickets.set(step.save, { nonce: challenge.nonce })
    return { ok: true }
  }
  assert.ok(ctx.challenges.has(step.challenge), `no challenge ${step.challenge}`)
  const text = edited(ctx.challenges.get(step.challenge), step.edit)
  if (step.do === 'stepup_check') return { verdict: await ctx.stepUps.main.check(text, { userId, action }) }
  return { verdict: await ctx.stepUps.main.wait(text, { userId, action, timeoutMs: step.timeout_ms ?? 5000 }) }
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

/** An expected error's fields (README: Error fields): `"*"` is any value, `null` none. */
const ERROR_FIELDS = ['code', 'retryable', 'status', 'server_code', 'request_id', 'retry_after_ms', 'missing_scope', 'field', 'reason']

function checkErrorFields(where, expect, error) {
  for (const key of ERROR_FIELDS) {
    if (expect[key] === undefined) continue
    const got = error[camel(key)] ?? null
    if (expect[key] === '*') assert.notEqual(got, null, `${where}: ${key} is missing`)
    else assert.deepEqual(got, expect[key], `${where}: ${key}`)
  }
}

function check(where, expect, result, error, secrets) {
  if (expect.error !== undefined) {
    assert.ok(error, `${where}: expected error ${expect.error}, got ${JSON.stringify(result && { ...result, ticket: undefined })}`)
    assert.ok(error instanceof OmiError, `${where}: ${error} is not an OmiError`)
    assert.equal(error.kind, expect.error, `${where}: ${error.message}`)
    assert.equal(error.code, `OMI_${expect.error.toUpperCase()}`, where)
    checkErrorFields(where, expect, error)
    if (expect.scope !== undefined) assert.equal(error.missingScope, expect.scope, where)
    if (expect.redacted) checkRedacted(where, error, secrets)
    return
  }
  if (error) throw new assert.AssertionError({ message: `${where}: unexpected ${error.name} ${error.code}: ${error.message}` })
  for (const key of ['device_ids', 'ok', 'state', 'outcome', 'verdict']) {
    if (expect[key] !== undefined) assert.deepEqual(result[key], expect[key], `${where}: ${key}`)
  }
}

test('the conformance scenarios are present', () => {
  assert.ok(files.length > 0, `no scenarios in ${DIR}`)
})

for (const file of files) {
  const scenario = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
  // A step-up scenario without a store runs once per store (tests/conformance/README.md).
  const stores = scenario.stepup === undefined ? [undefined] : scenario.stepup.store !== undefined ? [scenario.stepup.store] : ['memory', 'redis']
  for (const store of stores) {
    const label = store === undefined ? '' : ` [${store}]`
    test(`conformance: ${scenario.name ?? file}${label}`, (t) => runScenario(t, file, scenario, store))
  }
}

async function runScenario(t, file, scenario, store) {
  const sim = await Simulator.start({ ...(scenario.sim ?? {}), mode: 'test' })
  t.after(() => sim.stop())
  const client = new Client(clientOptions(sim, scenario.client))
  const tickets = new Map()
  const ctx = { tickets, challenges: new Map(), stepUps: undefined }
  if (scenario.stepup !== undefined) {
    ctx.stepUps = { main: stepUp(client, scenario.stepup, store, STEP_UP_KEY), other: stepUp(client, scenario.stepup, store, OTHER_KEY) }
  }
  const secrets = secretsOf(sim)
  for (const [i, raw] of scenario.steps.entries()) {
    const step = { ...raw }
    const where = `${file}${store ? ` [${store}]` : ''} step ${i} (${step.do})`
    if (step.ticket !== undefined) {
      assert.ok(tickets.has(step.ticket), `${where}: no ticket saved as ${step.ticket}`)
      step.nonce = tickets.get(step.ticket).nonce
    }
    const isStepUp = step.do.startsWith('stepup_')
    if (isStepUp || ['list_devices', 'send_push', 'status', 'wait', 'error_probe'].includes(step.do)) {
      let result
      let error
      const started = performance.now()
      try {
        if (step.do === 'error_probe') throwSampleError(step.kind)
        result = isStepUp ? await stepUpStep(ctx, step) : await clientStep(client, step)
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e
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
}
