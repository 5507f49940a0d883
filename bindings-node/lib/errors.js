'use strict'
// The one place where native errors become the package's error classes. A native error's
// message is `OMI_PUSH_ERROR:` followed by a JSON object (see src/error.rs).

const PREFIX = 'OMI_PUSH_ERROR:'

/** Base class of every error this package raises (bad argument types raise `TypeError`). */
class OmiError extends Error {
  constructor(message, fields = {}, options = undefined) {
    super(message, options)
    /** Stable code, e.g. `OMI_RATE_LIMITED`. */
    this.code = new.target.code ?? `OMI_${String(fields.kind ?? 'error').toUpperCase()}`
    /** The core's error kind, e.g. `rate_limited`. */
    this.kind = fields.kind ?? new.target.kind ?? 'internal'
    /** True when the same call may succeed later (rate limits, 5xx, transport failures). */
    this.retryable = Boolean(fields.retryable)
    if (fields.status !== undefined) this.status = fields.status
    if (fields.requestId !== undefined) this.requestId = fields.requestId
  }
}
OmiError.code = undefined
OmiError.kind = undefined
setName(OmiError, 'OmiError')

function setName(cls, name) {
  Object.defineProperty(cls.prototype, 'name', { value: name, enumerable: false, configurable: true, writable: true })
}

function kindClass(name, kind, extra) {
  const cls = {
    [name]: class extends OmiError {
      constructor(message, fields = {}, options = undefined) {
        super(message, { ...fields, kind }, options)
        if (extra) extra(this, fields)
      }
    },
  }[name]
  cls.code = `OMI_${kind.toUpperCase()}`
  cls.kind = kind
  setName(cls, name)
  return cls
}

const InvalidArgumentError = kindClass('InvalidArgumentError', 'invalid_argument', (e, f) => {
  /** The refused argument (snake_case core name, e.g. `user_id`). */
  e.field = f.field
})
const ConfigError = kindClass('ConfigError', 'config')
const AuthenticationError = kindClass('AuthenticationError', 'authentication', (e, f) => {
  if (f.serverCode !== undefined) e.serverCode = f.serverCode
})
const PermissionDeniedError = kindClass('PermissionDeniedError', 'permission_denied', (e, f) => {
  /** The OAuth scope the refused call needs. */
  e.missingScope = f.missingScope
})
const NotFoundError = kindClass('NotFoundError', 'not_found', (e, f) => {
  if (f.serverCode !== undefined) e.serverCode = f.serverCode
})
const RateLimitedError = kindClass('RateLimitedError', 'rate_limited', (e, f) => {
  /** How long the server asked to wait (Retry-After), in milliseconds. */
  if (f.retryAfterMs !== undefined) e.retryAfterMs = f.retryAfterMs
})
const ServerError = kindClass('ServerError', 'server', (e, f) => {
  if (f.serverCode !== undefined) e.serverCode = f.serverCode
})
const TransportError = kindClass('TransportError', 'transport', (e, f) => {
  e.connect = Boolean(f.connect)
  e.timeout = Boolean(f.timeout)
})
const ProtocolError = kindClass('ProtocolError', 'protocol')
const CancelledError = kindClass('CancelledError', 'cancelled')
// Code that checks `err.name === 'AbortError'` (as for fetch) sees a cancelled wait as one.
setName(CancelledError, 'AbortError')
/** A failure of the testing simulator (`omi-push/testing`). */
const SimulatorError = kindClass('SimulatorError', 'simulator')

const BY_KIND = new Map(
  [InvalidArgumentError, ConfigError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitedError,
    ServerError, TransportError, ProtocolError, CancelledError, SimulatorError].map((c) => [c.kind, c]),
)

/** Converts an error thrown by the native module into an `OmiError` (anything else passes through). */
function fromNative(err) {
  if (err instanceof OmiError || !(err instanceof Error)) return err
  const text = String(err.message)
  if (!text.startsWith(PREFIX)) {
    // A Rust panic caught at the boundary, or a napi conversion failure.
    return new OmiError(`internal error in omi-push: ${text}`, { kind: 'internal' })
  }
  let fields
  try {
    fields = JSON.parse(text.slice(PREFIX.length))
  } catch {
    return new OmiError('internal error in omi-push: unreadable native error', { kind: 'internal' })
  }
  const cls = BY_KIND.get(fields.kind)
  return cls ? new cls(fields.message, fields) : new OmiError(fields.message, fields)
}

/** The error a wait rejects with when its `AbortSignal` aborts; `cause` is the signal's reason. */
function abortError(signal) {
  return new CancelledError('the wait was aborted', { retryable: false }, { cause: signal.reason })
}

function rethrow(err) {
  const e = fromNative(err)
  // Start the stack at the caller, not inside this module.
  if (e !== err) Error.captureStackTrace(e, rethrow)
  throw e
}

module.exports = {
  OmiError,
  InvalidArgumentError,
  ConfigError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  TransportError,
  ProtocolError,
  CancelledError,
  SimulatorError,
  fromNative,
  abortError,
  rethrow,
}
