'use strict'
const { inspect } = require('node:util')
const native = require('../native.js')
const kit = require('./kit.js')
const { SimulatorError, rethrow } = require('./errors.js')
const args = require('./args.js')

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

/** Deep copy of plain data with every object key renamed. */
function rekey(value, rename) {
  if (Array.isArray(value)) return value.map((v) => rekey(v, rename))
  if (value === null || typeof value !== 'object') return value
  const out = {}
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[rename(k)] = rekey(v, rename)
  }
  return out
}

const toWire = (v) => rekey(v, snake)
const fromWire = (v) => rekey(v, camel)

/** A nonce, or the nonce of a `PushTicket`. */
function nonceOf(v) {
  if (v !== null && typeof v === 'object' && typeof v.nonce === 'string') return v.nonce
  return args.string('nonce', v)
}

/** Throws a `SimulatorError` for the shim's `{ error }` answer; the answer otherwise. */
function answered(text) {
  const reply = JSON.parse(text)
  if (reply.error !== undefined) {
    const e = new SimulatorError(reply.error, { retryable: false })
    Error.captureStackTrace(e, answered)
    throw e
  }
  return reply.ok
}

function plainObject(name, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw args.fail(name, 'an object', v)
  return v
}

/**
 * The OMI API simulator, in process, for tests: a real HTTP server on a free loopback port
 * with the OAuth token endpoint, the four push routes, a virtual phone, fault injection and a
 * request log. It does not keep the process alive; `stop()` closes it.
 */
class Simulator {
  #sim
  #info

  /** @internal Use `Simulator.start()`. */
  constructor(sim) {
    this.#sim = sim
    this.#info = this.#ask({ do: 'info' })
  }

  /** One request to the simulator handle (snake_case JSON, see ffi/src/sim.rs). */
  #ask(request) {
    return answered(this.#sim.request(JSON.stringify(request)))
  }

  /**
   * Starts a simulator. `config` is the simulator's configuration (camelCase or snake_case
   * keys): `users`, `pushTtlMs`, `tokenLifetimeMs`, `allowedScopes`, `autoRespond`, `faults`,
   * `clientId`, `clientSecret`, `port`… The control routes are on (mode `test`) unless
   * `mode` says otherwise.
   */
  static async start(config = {}) {
    const wire = { mode: 'test', ...toWire(plainObject('config', config)) }
    let sim
    try {
      sim = kit.NativeSimulator.start(JSON.stringify(wire))
    } catch (e) {
      throw new SimulatorError(`the simulator did not start: ${e.message}`, { retryable: false })
    }
    return new Simulator(sim)
  }

  /** `http://127.0.0.1:PORT`, no trailing slash. */
  get baseUrl() {
    return this.#info.base_url
  }

  get tokenUrl() {
    return this.#info.token_url
  }

  get clientId() {
    return this.#info.client_id
  }

  /** The client secret the simulator accepts (random per start unless configured). */
  get clientSecret() {
    return this.#info.client_secret
  }

  /** `Client` options that reach this simulator, merged with `extra`. */
  clientOptions(extra = {}) {
    return { baseUrl: this.baseUrl, clientId: this.clientId, clientSecret: this.clientSecret, ...extra }
  }

  /** The virtual phone page of a device (open it in a browser to approve or deny). */
  phoneUrl(deviceId) {
    return this.#ask({ do: 'phone_url', device_id: args.string('deviceId', deviceId) })
  }

  /** Adds (or replaces) a user: `{ id, devices: [{ id, name?, platform? }] }`. */
  addUser(user) {
    this.#ask({ do: 'add_user', user: toWire(plainObject('user', user)) })
  }

  /** Adds (or replaces) a device of a user: `{ id, name?, platform? }`. */
  addDevice(userId, device) {
    this.#ask({ do: 'add_device', user_id: args.string('userId', userId), device: toWire(plainObject('device', device)) })
  }

  /** The phone approves a pending push. */
  approve(nonce) {
    this.#ask({ do: 'approve', nonce: nonceOf(nonce) })
  }

  /** The phone rejects a pending push. */
  reject(nonce) {
    this.#ask({ do: 'reject', nonce: nonceOf(nonce) })
  }

  /** A pending push expires now. */
  expire(nonce) {
    this.#ask({ do: 'expire', nonce: nonceOf(nonce) })
  }

  /** Sets any raw state string (for unknown-state tests). */
  setState(nonce, state) {
    this.#ask({ do: 'set_state', nonce: nonceOf(nonce), state: args.string('state', state) })
  }

  /** Every push, oldest first (or those of `deviceId`): `{ nonce, userId, deviceIds, message, status, createdMs }`. */
  pushes(deviceId = undefined) {
    const device = args.optString('deviceId', deviceId)
    return fromWire(this.#ask(device === undefined ? { do: 'pushes' } : { do: 'pushes', device_id: device }))
  }

  /**
   * Adds a fault: `{ route, status?, retryAfterS?, latencyMs?, drop?, malformed?, skip?, times? }`
   * where `route` is `token`, `devices`, `push_device`, `push_all`, `confirmation`, `omi` or `*`.
   */
  addFault(fault) {
    this.#ask({ do: 'add_fault', fault: toWire(plainObject('fault', fault)) })
  }

  clearFaults() {
    this.#ask({ do: 'clear_faults' })
  }

  /** Every token issued so far is refused from now on. */
  revokeTokens() {
    this.#ask({ do: 'revoke_tokens' })
  }

  /** Answers new pushes by itself: `{ action: 'approve' | 'reject', delayMs }`, or `null` for off. */
  setAutoRespond(auto) {
    this.#ask({ do: 'set_auto_respond', auto: auto == null ? null : toWire(plainObject('auto', auto)) })
  }

  /** The OMI and token requests so far: `{ seq, route, method, path, query, status, tMs }`. */
  requestLog() {
    return fromWire(this.#ask({ do: 'request_log' }))
  }

  clearLog() {
    this.#ask({ do: 'clear_log' })
  }

  /** How many logged requests of `route` (`*` = all) used `method`. */
  count(route, method = 'GET') {
    return this.#ask({ do: 'count', route: args.string('route', route), method: args.string('method', method) })
  }

  /**
   * Runs one simulator-side step of a conformance scenario, as JSON with snake_case keys
   * (`{ do: 'phone', nonce, action: 'approve', after_ms: 300 }`, `expect_requests`…), off the
   * JavaScript thread. Rejects with a `SimulatorError` when the step fails.
   */
  async control(step) {
    plainObject('step', step)
    args.string('step.do', step.do)
    return answered(await this.#sim.requestAsync(JSON.stringify(step)).catch(rethrow))
  }

  /** Stops the server. Idempotent. */
  stop() {
    this.#sim.stop()
  }

  [inspect.custom](depth, opts, insp) {
    return `Simulator ${(insp ?? inspect)({ baseUrl: this.baseUrl, clientId: this.clientId }, opts)}`
  }

  toJSON() {
    return { baseUrl: this.baseUrl, clientId: this.clientId }
  }
}

/** The core's error kinds, in the shared order (`omi_push_ffi::KINDS`). */
const ERROR_KINDS = Object.freeze(native.__errorKinds())

/**
 * Throws the core's sample error of `kind` (every field its kind can carry) through the normal
 * conversion: the cross-language error probe. `sampleErrorRecord(kind)` is its record.
 */
function throwSampleError(kind) {
  try {
    native.__throwSampleError(args.string('kind', kind))
  } catch (e) {
    rethrow(e)
  }
}

/** The core's error record of the sample error of `kind` (snake_case JSON), or `undefined`. */
function sampleErrorRecord(kind) {
  const text = native.__sampleErrorRecord(args.string('kind', kind))
  return text == null ? undefined : JSON.parse(text)
}

module.exports = { Simulator, ERROR_KINDS, throwSampleError, sampleErrorRecord }
