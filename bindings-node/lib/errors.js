'use strict'
// The one place where native errors become the package's error classes. A core error crosses
// the boundary as a structured value: a native `Error` whose `record` property is the core's
// error record (snake_case, see src/error.rs). Every field comes from the record (kind,
// retryable, status: the core's own values); nothing is re-derived here.

/** The record's snake_case fields and their names here. */
const FIELDS = [
  ['status', 'status'],
  ['server_code', 'serverCode'],
  ['request_id', 'requestId'],
  ['retry_after_ms', 'retryAfterMs'],
  ['missing_scope', 'missingScope'],
  ['field', 'field'],
  ['reason', 'reason'],
]

/** Base class of every error this package raises (bad argument types raise `TypeError`). */
class OmiError extends Error {
  /**
   * `fields` are the error's fields, camelCase (`kind`, `retryable`, `status`, `serverCode`,
   * `requestId`, `retryAfterMs`, `missingScope`, `field`, `reason`, `connect`, `timeout`).
   */
  constructor(message, fields = {}, options = undefined) {
    super(message, options)
    const kind = new.target.kind ?? fields.kind ?? 'internal'
    /** The core's error kind, e.g. `rate_limited`. */
    this.kind = kind
    /** Stable code, e.g. `OMI_RATE_LIMITED`. */
    this.code = `OMI_${kind.toUpperCase()}`
    /** True when the same call may succeed later (the core's value). */
    this.retryable = Boolean(fields.retryable)
    for (const [, name] of FIELDS) {
      if (fields[name] !== undefined && fields[name] !== null) this[name] = fields[name]
    }
    /** A transport failure before the connection was made. */
    this.connect = Boolean(fields.connect)
    /** A transport failure that timed out. */
    this.timeout = Boolean(fields.timeout)
  }
}
OmiError.kind = undefined
setName(OmiError, 'OmiError')

function setName(cls, name) {
  Object.defineProperty(cls.prototype, 'name', { value: name, enumerable: false, configurable: true, writable: true })
}

function kindClass(name, kind) {
  const cls = { [name]: class extends OmiError {} }[name]
  cls.code = `OMI_${kind.toUpperCase()}`
  cls.kind = kind
  setName(cls, name)
  return cls
}

/** One class per kind of the core (the order of `omi_push_ffi::KINDS`). */
const CLASSES = {
  InvalidArgumentError: kindClass('InvalidArgumentError', 'invalid_argument'),
  ConfigError: kindClass('ConfigError', 'config'),
  AuthenticationError: kindClass('AuthenticationError', 'authentication'),
  PermissionDeniedError: kindClass('PermissionDeniedError', 'permission_denied'),
  NotFoundError: kindClass('NotFoundError', 'not_found'),
  RateLimitedError: kindClass('RateLimitedError', 'rate_limited'),
  ServerError: kindClass('ServerError', 'server'),
  TransportError: kindClass('TransportError', 'transport'),
  ProtocolError: kindClass('ProtocolError', 'protocol'),
  CancelledError: kindClass('CancelledError', 'cancelled'),
  InternalError: kindClass('InternalError', 'internal'),
  InvalidChallengeError: kindClass('InvalidChallengeError', 'invalid_challenge'),
  ChallengeMismatchError: kindClass('ChallengeMismatchError', 'challenge_mismatch'),
  AlreadyUsedError: kindClass('AlreadyUsedError', 'already_used'),
  ThrottledError: kindClass('ThrottledError', 'throttled'),
  StoreUnavailableError: kindClass('StoreUnavailableError', 'store_unavailable'),
}
// Code that checks `err.name === 'AbortError'` (as for fetch) sees a cancelled wait as one.
setName(CLASSES.CancelledError, 'AbortError')
/** A failure of the testing simulator (`omi-push/testing`); not a core kind. */
const SimulatorError = kindClass('SimulatorError', 'simulator')

const BY_KIND = new Map(Object.values(CLASSES).map((c) => [c.kind, c]))

/** The error of a core error record (snake_case fields, as the native module gives it). */
function fromRecord(record) {
  const fields = { kind: record.kind, retryable: record.retryable, connect: record.connect, timeout: record.timeout }
  for (const [wire, name] of FIELDS) fields[name] = record[wire]
  const cls = BY_KIND.get(record.kind) ?? CLASSES.InternalError
  return new cls(record.message, fields)
}

/** Converts an error thrown by the native module into an `OmiError` (anything else passes through). */
function fromNative(err) {
  if (err instanceof OmiError || !(err instanceof Error)) return err
  const record = err.record
  if (record !== null && typeof record === 'object' && typeof record.kind === 'string') return fromRecord(record)
  // A Rust panic caught at the boundary, or a napi conversion failure.
  return new CLASSES.InternalError(`internal error in omi-push: ${err.message}`, { retryable: false })
}

/** The error a wait rejects with when its `AbortSignal` aborts; `cause` is the signal's reason. */
function abortError(signal) {
  return new CLASSES.CancelledError('the wait was aborted', { retryable: false }, { cause: signal.reason })
}

function rethrow(err) {
  const e = fromNative(err)
  // Start the stack at the caller, not inside this module.
  if (e !== err) Error.captureStackTrace(e, rethrow)
  throw e
}

module.exports = { OmiError, ...CLASSES, SimulatorError, fromNative, fromRecord, abortError, rethrow }
