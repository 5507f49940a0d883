'use strict'
const native = require('../native.js')
const { rethrow } = require('./errors.js')
const args = require('./args.js')
const records = require('./records.js')

const kEncoded = Symbol('encoded')

/**
 * A sent push. `String(ticket)` (and `JSON.stringify`) give a compact, URL-safe string that
 * `PushTicket.parse` reads back, so a web app can keep it in a session and wait for the
 * confirmation from another request or process. It holds no secret.
 */
class PushTicket {
  /** @internal Built by `Client#sendPush` and `PushTicket.parse`. */
  constructor(data) {
    this.nonce = data.nonce
    this.userId = data.userId
    if (data.deviceId != null) this.deviceId = data.deviceId
    this.sentAtMs = data.sentAtMs
    if (data.expiresAtMs != null) this.expiresAtMs = data.expiresAtMs
    Object.defineProperty(this, kEncoded, { value: data.encoded, enumerable: false })
    Object.freeze(this)
  }

  /** When the push was accepted. */
  get sentAt() {
    return new Date(this.sentAtMs)
  }

  /** When the server said the push expires, if it did. */
  get expiresAt() {
    return this.expiresAtMs === undefined ? undefined : new Date(this.expiresAtMs)
  }

  /** The compact string form (`omi1.…`). */
  toString() {
    return this[kEncoded]
  }

  toJSON() {
    return this[kEncoded]
  }

  /** Reads a ticket's string form back; throws `InvalidArgumentError` if it is not one. */
  static parse(text) {
    args.string('text', text)
    try {
      return new PushTicket(records.ticket(native.parseTicket(text)))
    } catch (e) {
      rethrow(e)
    }
  }
}

module.exports = { PushTicket }
