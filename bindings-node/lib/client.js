'use strict'
const { inspect } = require('node:util')
const native = require('../native.js')
const { abortError, fromNative, rethrow } = require('./errors.js')
const { PushTicket } = require('./ticket.js')
const args = require('./args.js')
const records = require('./records.js')
const events = require('./events.js')

// The client options: the core's record (`omi_push::ClientOptions`), one line per option
// with its JavaScript name and type check; passed on with the core's snake_case names.
const CLIENT_OPTIONS = {
  baseUrl: args.string,
  clientId: args.optString,
  clientSecret: args.optString,
  accessToken: args.optString,
  clientAuth: args.optString,
  tokenUrl: args.optString,
  scopes: args.optStringArray,
  requestTimeoutMs: args.optNumber,
  connectTimeoutMs: args.optNumber,
  pollIntervalMs: args.optNumber,
  waitTimeoutMs: args.optNumber,
  callTimeoutMs: args.optNumber,
  maxRetries: args.optInteger,
  maxResponseBytes: args.optInteger,
  paths: pathOptions,
  maxMessageChars: args.optInteger,
  allowInsecureHttp: args.optBoolean,
  caCertPem: args.optString,
  requestBudget: args.optInteger,
  http2: args.optString,
}
const PATH_OPTIONS = ['devices', 'pushDevice', 'pushAll', 'confirmation', 'confirmationQuery']
const PUSH_KEYS = ['userId', 'deviceId', 'message', 'nonce']
const WAIT_KEYS = ['timeoutMs', 'pollIntervalMs', 'signal']
const WAIT_SYNC_KEYS = ['timeoutMs', 'pollIntervalMs']

const snake = (k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

function pathOptions(name, p) {
  if (p === undefined || p === null) return undefined
  args.options(name, p, PATH_OPTIONS, true)
  const out = {}
  for (const key of PATH_OPTIONS) {
    const v = args.optString(`${name}.${key}`, p[key])
    if (v !== undefined) out[snake(key)] = v
  }
  return out
}

/** The core's options record of `o` (TypeError for a wrong type or an unknown name). */
function coreOptions(o) {
  args.options('options', o, [...Object.keys(CLIENT_OPTIONS), 'onEvent'], true)
  const out = {}
  for (const [key, check] of Object.entries(CLIENT_OPTIONS)) {
    const v = check(`options.${key}`, o[key])
    if (v !== undefined) out[snake(key)] = v
  }
  out.user_agent_suffix = `node/${process.versions.node}`
  return out
}

/** A nonce string, or the nonce of a `PushTicket`. */
function nonceOf(v) {
  if (v instanceof PushTicket) return v.nonce
  return args.string('nonce', v)
}

/** `[timeoutMs, pollIntervalMs]` of a wait's options. */
function waitOptions(o, keys) {
  args.options('options', o, keys)
  return [args.optNumber('options.timeoutMs', o.timeoutMs), args.optNumber('options.pollIntervalMs', o.pollIntervalMs)]
}

function pushArgs(request) {
  args.options('request', request, PUSH_KEYS, true)
  return [
    args.string('request.userId', request.userId),
    args.optString('request.deviceId', request.deviceId),
    args.string('request.message', request.message),
    args.optString('request.nonce', request.nonce),
  ]
}

/**
 * Runs `start(cancelHandle)` (a native promise), cancelled when `signal` aborts: the promise
 * then rejects with a `CancelledError` (`cause` = the signal's reason). An already aborted
 * signal rejects at once, without a native call.
 */
function cancellable(signal, start) {
  if (signal === undefined) {
    try {
      return start(null).catch(rethrow)
    } catch (e) {
      return Promise.reject(fromNative(e))
    }
  }
  if (signal.aborted) return Promise.reject(abortError(signal))
  const handle = new native.CancelHandle()
  const onAbort = () => handle.cancel()
  // addEventListener, not `onabort`: user code may set `signal.onabort` itself.
  signal.addEventListener('abort', onAbort, { once: true })
  const done = () => signal.removeEventListener('abort', onAbort)
  let pending
  try {
    pending = start(handle)
  } catch (e) {
    done()
    return Promise.reject(fromNative(e))
  }
  return pending.then(
    (value) => {
      done()
      return value
    },
    (e) => {
      done()
      throw signal.aborted ? abortError(signal) : fromNative(e)
    },
  )
}

/** The result of a blocking native call, its errors converted. */
function sync(fn) {
  try {
    return fn()
  } catch (e) {
    rethrow(e)
  }
}

/** A client's native half, for the StepUp class of this package only. */
let nativeOf

/**
 * An OMI push client. One client serves a whole application: every call shares its token
 * cache, connection pool and rate-limit state. Nothing it shows (`inspect`, `JSON.stringify`,
 * errors) ever contains the client secret or a token.
 */
class Client {
  #native
  #label

  static {
    nativeOf = (client) => client.#native
  }

  constructor(options) {
    const o = coreOptions(options)
    const onEvent = options.onEvent
    if (onEvent !== undefined && onEvent !== null && typeof onEvent !== 'function') throw args.fail('options.onEvent', 'a function', onEvent)
    this.#native = sync(() => new native.NativeClient(o, events.dispatcher(onEvent ?? undefined)))
    this.#label = { baseUrl: o.base_url, clientId: o.client_id, auth: o.access_token === undefined ? 'client credentials' : 'static token' }
  }

  /** Lists the user's enrolled devices. */
  listDevices(userId) {
    args.string('userId', userId)
    return this.#native.listDevices(userId).then((list) => list.map(records.device), rethrow)
  }

  /** The blocking form of `listDevices` (blocks the event loop: scripts, CLIs, workers). */
  listDevicesSync(userId) {
    args.string('userId', userId)
    return sync(() => this.#native.listDevicesSync(userId)).map(records.device)
  }

  /** Sends a push to `deviceId`, or to all of the user's devices without it. */
  sendPush(request) {
    const a = pushArgs(request)
    return this.#native.sendPush(...a).then((r) => new PushTicket(records.ticket(r)), rethrow)
  }

  /** The blocking form of `sendPush`. */
  sendPushSync(request) {
    const a = pushArgs(request)
    return new PushTicket(records.ticket(sync(() => this.#native.sendPushSync(...a))))
  }

  /** Reads the confirmation state once. */
  confirmationStatus(nonce) {
    return this.#native.confirmationStatus(nonceOf(nonce)).then(records.status, rethrow)
  }

  /** The blocking form of `confirmationStatus`. */
  confirmationStatusSync(nonce) {
    const n = nonceOf(nonce)
    return records.status(sync(() => this.#native.confirmationStatusSync(n)))
  }

  /**
   * Polls until the push is confirmed, rejected or expired, or `timeoutMs` passes. Resolves
   * with an `Outcome` (a timeout is an outcome, not an error). An aborted `signal` rejects
   * with a `CancelledError` (`name === 'AbortError'`) and stops polling.
   */
  waitForConfirmation(nonce, options = {}) {
    const n = nonceOf(nonce)
    const opts = waitOptions(options, WAIT_KEYS)
    const signal = args.optSignal('options.signal', options.signal)
    return cancellable(signal, (handle) => this.#native.waitForConfirmation(n, ...opts, handle)).then(records.outcome)
  }

  /**
   * The blocking form of `waitForConfirmation`: it blocks the event loop (no timer, I/O or
   * other request runs) until the wait ends. For scripts, CLIs and worker threads only.
   */
  waitForConfirmationSync(nonce, options = {}) {
    const n = nonceOf(nonce)
    const opts = waitOptions(options, WAIT_SYNC_KEYS)
    return records.outcome(sync(() => this.#native.waitForConfirmationSync(n, ...opts)))
  }

  toJSON() {
    return { ...this.#label }
  }

  [inspect.custom](depth, opts, insp) {
    return `Client ${(insp ?? inspect)(this.#label, opts)}`
  }

  get [Symbol.toStringTag]() {
    return 'Client'
  }
}

/** A fresh nonce: 144 bits from the OS random generator, base64url (24 characters). */
function generateNonce() {
  return sync(() => native.generateNonce())
}

module.exports = { Client, generateNonce, CLIENT_OPTIONS, coreOptions, cancellable, sync, waitOptions, nativeOf: (c) => nativeOf(c) }
