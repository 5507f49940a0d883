'use strict'
// StepUp: signed, user- and action-bound, fresh, used-once confirmations (the core's step-up).
const { inspect } = require('node:util')
const native = require('../native.js')
const args = require('./args.js')
const records = require('./records.js')
const { Client, cancellable, sync, waitOptions, nativeOf } = require('./client.js')
const { rethrow } = require('./errors.js')

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

// The step-up options: the shared record (`omi_push_ffi::StepUpOptions`), one line each.
const OPTIONS = {
  maxAgeMs: args.optNumber,
  maxUnresolved: args.optInteger,
  minGapMs: args.optNumber,
  store: args.optString,
  storePrefix: args.optString,
}
const BEGIN_KEYS = ['userId', 'action', 'deviceId', 'message']
const CHECK_KEYS = ['userId', 'action']
const WAIT_KEYS = ['userId', 'action', 'timeoutMs', 'pollIntervalMs', 'signal']
const WAIT_SYNC_KEYS = ['userId', 'action', 'timeoutMs', 'pollIntervalMs']

function keyBytes(name, k) {
  if (typeof k === 'string') return Buffer.from(k, 'utf8')
  if (k instanceof Uint8Array) return Buffer.from(k)
  throw args.fail(name, 'a string or a Uint8Array', k)
}

/**
 * A begun step-up: `text` is the signed challenge string (it carries no secret: safe in a
 * cookie, a form or a URL); the other fields are what it was issued for. `String(challenge)`
 * and `JSON.stringify(challenge)` give `text`.
 */
class Challenge {
  /** @internal Built by `StepUp#begin`. */
  constructor(r) {
    this.text = r.text
    this.userId = r.user_id
    this.action = r.action
    if (r.device_id != null) this.deviceId = r.device_id
    this.nonce = r.nonce
    this.issuedAtMs = r.issued_at_ms
    this.expiresAtMs = r.expires_at_ms
    Object.freeze(this)
  }

  get issuedAt() {
    return new Date(this.issuedAtMs)
  }

  get expiresAt() {
    return new Date(this.expiresAtMs)
  }

  toString() {
    return this.text
  }

  toJSON() {
    return this.text
  }
}

function challengeText(v) {
  if (v instanceof Challenge) return v.text
  return args.string('challenge', v)
}

function beginArgs(request) {
  args.options('request', request, BEGIN_KEYS, true)
  return [
    args.string('request.userId', request.userId),
    args.string('request.action', request.action),
    args.optString('request.deviceId', request.deviceId),
    args.string('request.message', request.message),
  ]
}

function who(options, keys) {
  args.options('options', options, keys, true)
  return [args.string('options.userId', options.userId), args.string('options.action', options.action)]
}

/**
 * Step-up on a `Client`: `begin` pushes and returns a signed challenge bound to the user, the
 * action and the device; `check` (one poll) and `wait` give `'pending' | 'approved' |
 * 'rejected' | 'expired'`, and `'approved'` only once per challenge (later: `AlreadyUsedError`).
 * A challenge that was tampered with, is for another user or action, or is too old is refused
 * before any request. Pushes per user are throttled. The store is `memory` (one process) or a
 * `redis://` URL (many instances); a store that is down fails closed (`StoreUnavailableError`).
 */
/** A step-up's native half, for the StepUpFlow class of this package only. */
let stepUpNative

class StepUp {
  #native

  static {
    stepUpNative = (stepUp) => stepUp.#native
  }

  /**
   * `keys`: signing keys (strings as UTF-8, or bytes), each at least 32 bytes; the first signs,
   * every one verifies (key rotation). Other options: `maxAgeMs` (300 000), `maxUnresolved` (3),
   * `minGapMs` (10 000; 0 = none), `store` (`'memory'` or `'redis://…'`), `storePrefix`.
   */
  constructor(client, options) {
    if (!(client instanceof Client)) throw args.fail('client', 'a Client', client)
    args.options('options', options, ['keys', ...Object.keys(OPTIONS)], true)
    const keys = Array.isArray(options.keys) ? options.keys : [options.keys]
    const bytes = keys.map((k, i) => keyBytes(`options.keys[${i}]`, k))
    const o = {}
    for (const [key, check] of Object.entries(OPTIONS)) {
      const v = check(`options.${key}`, options[key])
      if (v !== undefined) o[snake(key)] = v
    }
    this.#native = sync(() => new native.NativeStepUp(nativeOf(client), o, bytes))
  }

  /** The user's devices, for a picker; pass the chosen id (or none: all devices) to `begin`. */
  devices(userId) {
    args.string('userId', userId)
    return this.#native.devices(userId).then((list) => list.map(records.device), rethrow)
  }

  devicesSync(userId) {
    args.string('userId', userId)
    return sync(() => this.#native.devicesSync(userId)).map(records.device)
  }

  /** Pushes `message` to `deviceId` (or all the user's devices) and returns the challenge. */
  begin(request) {
    const a = beginArgs(request)
    return this.#native.begin(...a).then((r) => new Challenge(r), rethrow)
  }

  beginSync(request) {
    const a = beginArgs(request)
    return new Challenge(sync(() => this.#native.beginSync(...a)))
  }

  /** One poll of the challenge, for `{ userId, action }` of the current request. */
  check(challenge, options) {
    const text = challengeText(challenge)
    const [userId, action] = who(options, CHECK_KEYS)
    return this.#native.check(text, userId, action).catch(rethrow)
  }

  checkSync(challenge, options) {
    const text = challengeText(challenge)
    const [userId, action] = who(options, CHECK_KEYS)
    return sync(() => this.#native.checkSync(text, userId, action))
  }

  /**
   * Spends an approval once, without a request — for a route guard: the waiting page's status
   * route approves (`check`/`wait`), the protected route redeems. `true` the first time after
   * an approval (within `maxAgeMs`); `false` when it was never approved or is too old; an
   * `AlreadyUsedError` when it was redeemed before.
   */
  redeem(challenge, options) {
    const text = challengeText(challenge)
    const [userId, action] = who(options, CHECK_KEYS)
    return this.#native.redeem(text, userId, action).catch(rethrow)
  }

  redeemSync(challenge, options) {
    const text = challengeText(challenge)
    const [userId, action] = who(options, CHECK_KEYS)
    return sync(() => this.#native.redeemSync(text, userId, action))
  }

  /**
   * Waits until a final verdict, `timeoutMs` (then `'pending'`) or the challenge's expiry (then
   * `'expired'`). An aborted `signal` rejects with a `CancelledError` and stops polling.
   */
  wait(challenge, options) {
    const text = challengeText(challenge)
    const [userId, action] = who(options, WAIT_KEYS)
    const opts = waitOptions(options, WAIT_KEYS)
    const signal = args.optSignal('options.signal', options.signal)
    return cancellable(signal, (handle) => this.#native.wait(text, userId, action, ...opts, handle))
  }

  /** The blocking form of `wait` (blocks the event loop: scripts, CLIs, workers). */
  waitSync(challenge, options) {
    const text = challengeText(challenge)
    const [userId, action] = who(options, WAIT_SYNC_KEYS)
    const opts = waitOptions(options, WAIT_SYNC_KEYS)
    return sync(() => this.#native.waitSync(text, userId, action, ...opts))
  }

  [inspect.custom]() {
    return 'StepUp {}'
  }

  toJSON() {
    return {}
  }
}

/** The verdicts, in the shared order. */
const VERDICTS = Object.freeze(['pending', 'approved', 'rejected', 'expired'])

module.exports = { StepUp, Challenge, VERDICTS, stepUpNative: (s) => stepUpNative(s) }
