'use strict'
const { inspect } = require('node:util')
const native = require('../native.js')
const { abortError, fromNative, rethrow } = require('./errors.js')
const { PushTicket } = require('./ticket.js')
const args = require('./args.js')

const CLIENT_KEYS = [
  'baseUrl', 'clientId', 'clientSecret', 'accessToken', 'clientAuth', 'tokenUrl', 'scopes', 'requestTimeoutMs',
  'pollIntervalMs', 'waitTimeoutMs', 'maxRetries', 'paths', 'maxMessageChars', 'allowInsecureHttp', 'caCertPem',
]
const PATH_KEYS = ['devices', 'pushDevice', 'pushAll', 'confirmation', 'confirmationQuery']
const PUSH_KEYS = ['userId', 'deviceId', 'message', 'nonce']
const WAIT_KEYS = ['timeoutMs', 'pollIntervalMs', 'signal']
const WAIT_SYNC_KEYS = ['timeoutMs', 'pollIntervalMs']

function nativeOptions(o) {
  args.options('options', o, CLIENT_KEYS, true)
  const p = o.paths === undefined || o.paths === null ? undefined : args.options('options.paths', o.paths, PATH_KEYS, true)
  return {
    baseUrl: args.string('options.baseUrl', o.baseUrl),
    clientId: args.optString('options.clientId', o.clientId),
    clientSecret: args.optString('options.clientSecret', o.clientSecret),
    accessToken: args.optString('options.accessToken', o.accessToken),
    clientAuth: args.optString('options.clientAuth', o.clientAuth),
    tokenUrl: args.optString('options.tokenUrl', o.tokenUrl),
    scopes: args.optStringArray('options.scopes', o.scopes),
    requestTimeoutMs: args.optNumber('options.requestTimeoutMs', o.requestTimeoutMs),
    pollIntervalMs: args.optNumber('options.pollIntervalMs', o.pollIntervalMs),
    waitTimeoutMs: args.optNumber('options.waitTimeoutMs', o.waitTimeoutMs),
    maxRetries: args.optInteger('options.maxRetries', o.maxRetries),
    paths: p && {
      devices: args.optString('options.paths.devices', p.devices),
      pushDevice: args.optString('options.paths.pushDevice', p.pushDevice),
      pushAll: args.optString('options.paths.pushAll', p.pushAll),
      confirmation: args.optString('options.paths.confirmation', p.confirmation),
      confirmationQuery: args.optString('options.paths.confirmationQuery', p.confirmationQuery),
    },
    maxMessageChars: args.optInteger('options.maxMessageChars', o.maxMessageChars),
    allowInsecureHttp: args.optBoolean('options.allowInsecureHttp', o.allowInsecureHttp),
    caCertPem: args.optString('options.caCertPem', o.caCertPem),
    userAgentSuffix: `node/${process.versions.node}`,
  }
}

/** A nonce string, or the nonce of a `PushTicket`. */
function nonceOf(v) {
  if (v instanceof PushTicket) return v.nonce
  return args.string('nonce', v)
}

function waitOptions(o, keys) {
  args.options('options', o, keys)
  return {
    timeoutMs: args.optNumber('options.timeoutMs', o.timeoutMs),
    pollIntervalMs: args.optNumber('options.pollIntervalMs', o.pollIntervalMs),
  }
}

/**
 * An OMI push client. One client serves a whole application: every call shares its token
 * cache, connection pool and rate-limit state. Nothing it shows (`inspect`, `JSON.stringify`,
 * errors) ever contains the client secret or a token.
 */
class Client {
  #native
  #label

  constructor(options) {
    const o = nativeOptions(options)
    try {
      this.#native = new native.NativeClient(o)
    } catch (e) {
      rethrow(e)
    }
    this.#label = { baseUrl: o.baseUrl, clientId: o.clientId, auth: o.accessToken === undefined ? 'client credentials' : 'static token' }
  }

  /** Lists the user's enrolled devices. */
  listDevices(userId) {
    args.string('userId', userId)
    return this.#native.listDevices(userId).catch(rethrow)
  }

  /** Sends a push to `deviceId`, or to all of the user's devices without it. */
  sendPush(request) {
    args.options('request', request, PUSH_KEYS, true)
    const userId = args.string('request.userId', request.userId)
    const deviceId = args.optString('request.deviceId', request.deviceId)
    const message = args.string('request.message', request.message)
    const nonce = args.optString('request.nonce', request.nonce)
    return this.#native
      .sendPush(userId, deviceId, message, nonce)
      .then((data) => new PushTicket(data), rethrow)
  }

  /** Reads the confirmation state once. */
  confirmationStatus(nonce) {
    return this.#native.confirmationStatus(nonceOf(nonce)).catch(rethrow)
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
    if (signal === undefined) {
      try {
        return this.#native.waitForConfirmation(n, opts, null).catch(rethrow)
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
      pending = this.#native.waitForConfirmation(n, opts, handle)
    } catch (e) {
      done()
      return Promise.reject(fromNative(e))
    }
    return pending.then(
      (outcome) => {
        done()
        return outcome
      },
      (e) => {
        done()
        throw signal.aborted ? abortError(signal) : fromNative(e)
      },
    )
  }

  /**
   * The blocking form of `waitForConfirmation`: it blocks the event loop (no timer, I/O or
   * other request runs) until the wait ends. For scripts, CLIs and worker threads only.
   */
  waitForConfirmationSync(nonce, options = {}) {
    const n = nonceOf(nonce)
    const opts = waitOptions(options, WAIT_SYNC_KEYS)
    try {
      return this.#native.waitForConfirmationSync(n, opts)
    } catch (e) {
      rethrow(e)
    }
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
  return native.generateNonce()
}

module.exports = { Client, generateNonce }
