'use strict'
const { inspect } = require('node:util')
const native = require('../native.js')
const { rethrow } = require('./errors.js')
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

function call(fn) {
  try {
    return fn()
  } catch (e) {
    rethrow(e)
  }
}

/**
 * The OMI API simulator, in process, for tests: a real HTTP server on a free loopback port
 * with the OAuth token endpoint, the four push routes, a virtual phone, fault injection and a
 * request log. It does not keep the process alive; `stop()` closes it.
 */
class Simulator {
  #sim

  /** @internal Use `Simulator.start()`. */
  constructor(sim) {
    this.#sim = sim
  }

  /**
   * Starts a simulator. `config` is the simulator's configuration (camelCase or snake_case
   * keys): `users`, `pushTtlMs`, `tokenLifetimeMs`, `allowedScopes`, `autoRespond`, `faults`,
   * `clientId`, `clientSecret`, `port`… The control routes are on (mode `test`) unless
   * `mode` says otherwise.
   */
  static async start(config = {}) {
    args.options('config', config, Object.keys(config ?? {}))
    const wire = { mode: 'test', ...toWire(config) }
    const sim = await native.startSimulator(wire).catch(rethrow)
    return new Simulator(sim)
  }

  /** `http://127.0.0.1:PORT`, no trailing slash. */
  get baseUrl() {
    return this.#sim.baseUrl
  }

  get tokenUrl() {
    return this.#sim.tokenUrl
  }

  get clientId() {
    return this.#sim.clientId
  }

  /** The client secret the simulator accepts (random per start unless configured). */
  get clientSecret() {
    return this.#sim.clientSecret
  }

  /** `Client` options that reach this simulator, merged with `extra`. */
  clientOptions(extra = {}) {
    return { baseUrl: this.baseUrl, clientId: this.clientId, clientSecret: this.clientSecret, ...extra }
  }

  /** The virtual phone page of a device (open it in a browser to approve or deny). */
  phoneUrl(deviceId) {
    return this.#sim.phoneUrl(args.string('deviceId', deviceId))
  }

  /** Adds (or replaces) a user: `{ id, devices: [{ id, name?, platform? }] }`. */
  addUser(user) {
    call(() => this.#sim.addUser(toWire(user)))
  }

  /** Adds (or replaces) a device of a user: `{ id, name?, platform? }`. */
  addDevice(userId, device) {
    args.string('userId', userId)
    call(() => this.#sim.addDevice(userId, toWire(device)))
  }

  /** The phone approves a pending push. */
  approve(nonce) {
    call(() => this.#sim.approve(nonceOf(nonce)))
  }

  /** The phone rejects a pending push. */
  reject(nonce) {
    call(() => this.#sim.reject(nonceOf(nonce)))
  }

  /** A pending push expires now. */
  expire(nonce) {
    call(() => this.#sim.expire(nonceOf(nonce)))
  }

  /** Sets any raw state string (for unknown-state tests). */
  setState(nonce, state) {
    call(() => this.#sim.setState(nonceOf(nonce), args.string('state', state)))
  }

  /** Every push, oldest first: `{ nonce, userId, deviceIds, message, status, createdMs }`. */
  pushes() {
    return fromWire(call(() => this.#sim.pushes()))
  }

  /**
   * Adds a fault: `{ route, status?, retryAfterS?, latencyMs?, drop?, malformed?, skip?, times? }`
   * where `route` is `token`, `devices`, `push_device`, `push_all`, `confirmation`, `omi` or `*`.
   */
  addFault(fault) {
    call(() => this.#sim.addFault(toWire(fault)))
  }

  clearFaults() {
    this.#sim.clearFaults()
  }

  /** Every token issued so far is refused from now on. */
  revokeTokens() {
    this.#sim.revokeTokens()
  }

  /** Answers new pushes by itself: `{ action: 'approve' | 'reject', delayMs }`, or `null` for off. */
  setAutoRespond(auto) {
    call(() => this.#sim.setAutoRespond(auto == null ? null : toWire(auto)))
  }

  /** The OMI and token requests so far: `{ seq, route, method, path, query, status, tMs }`. */
  requestLog() {
    return fromWire(call(() => this.#sim.requestLog()))
  }

  clearLog() {
    this.#sim.clearLog()
  }

  /** How many logged requests of `route` (`*` = all) used `method`. */
  count(route, method = 'GET') {
    return this.#sim.count(args.string('route', route), args.string('method', method))
  }

  /**
   * Runs one simulator-side step of a conformance scenario, as JSON with snake_case keys
   * (`{ do: 'phone', nonce, action: 'approve', after_ms: 300 }`, `expect_requests`…).
   * Rejects with a `SimulatorError` when the step fails.
   */
  control(step) {
    if (step === null || typeof step !== 'object' || Array.isArray(step)) {
      throw new TypeError('step must be an object')
    }
    return this.#sim.control(step).catch(rethrow)
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

module.exports = { Simulator }
