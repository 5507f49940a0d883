'use strict'
// The cross-language error probe: the core's sample error of every kind, thrown through the
// normal conversion, gives the class of its kind with the record's values in every field.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const omi = require('omi-push')
const { ERROR_KINDS, throwSampleError, sampleErrorRecord } = require('omi-push/testing')

const CLASS_OF = {
  invalid_argument: 'InvalidArgumentError',
  config: 'ConfigError',
  authentication: 'AuthenticationError',
  permission_denied: 'PermissionDeniedError',
  not_found: 'NotFoundError',
  rate_limited: 'RateLimitedError',
  server: 'ServerError',
  transport: 'TransportError',
  protocol: 'ProtocolError',
  cancelled: 'CancelledError',
  internal: 'InternalError',
  invalid_challenge: 'InvalidChallengeError',
  challenge_mismatch: 'ChallengeMismatchError',
  already_used: 'AlreadyUsedError',
  throttled: 'ThrottledError',
  store_unavailable: 'StoreUnavailableError',
}

const FIELDS = {
  kind: 'kind',
  code: 'code',
  message: 'message',
  retryable: 'retryable',
  status: 'status',
  server_code: 'serverCode',
  request_id: 'requestId',
  retry_after_ms: 'retryAfterMs',
  missing_scope: 'missingScope',
  field: 'field',
  reason: 'reason',
  connect: 'connect',
  timeout: 'timeout',
}

test('one class per kind of the core, in its order', () => {
  assert.deepEqual(ERROR_KINDS, Object.keys(CLASS_OF))
  for (const [kind, name] of Object.entries(CLASS_OF)) {
    const cls = omi[name]
    assert.equal(typeof cls, 'function', name)
    assert.ok(cls.prototype instanceof omi.OmiError, name)
    assert.equal(cls.kind, kind)
    assert.equal(cls.code, `OMI_${kind.toUpperCase()}`)
  }
})

test('the error probe: every field of every kind equals the core record', () => {
  for (const kind of ERROR_KINDS) {
    const record = sampleErrorRecord(kind)
    assert.ok(record, kind)
    assert.deepEqual(Object.keys(record).sort(), Object.keys(FIELDS).sort(), `${kind}: record fields`)
    let thrown
    try {
      throwSampleError(kind)
    } catch (e) {
      thrown = e
    }
    assert.ok(thrown instanceof omi[CLASS_OF[kind]], `${kind}: ${thrown}`)
    for (const [wire, name] of Object.entries(FIELDS)) {
      const want = record[wire] === null ? undefined : record[wire]
      assert.deepEqual(thrown[name], want, `${kind}.${name}`)
    }
    // The server's own code is serverCode; code is always the stable OMI code.
    assert.match(thrown.code, /^OMI_[A-Z_]+$/)
  }
  // Values the core decides, not re-derived here.
  assert.equal(sampleErrorRecord('rate_limited').retryable, true)
  assert.equal(sampleErrorRecord('internal').retryable, false)
  assert.equal(sampleErrorRecord('nope'), undefined)
  assert.throws(() => throwSampleError('nope'), (e) => e instanceof omi.InternalError)
})

test('errors cross the boundary as structured values, not text', async () => {
  const client = new omi.Client({ baseUrl: 'http://127.0.0.1:9', clientId: 'a', clientSecret: 'b', maxRetries: 0 })
  const e = await client.listDevices('user-1').then(
    () => assert.fail('no error'),
    (err) => err,
  )
  assert.ok(e instanceof omi.TransportError)
  assert.equal(e.connect, true)
  assert.doesNotMatch(e.message, /OMI_PUSH_ERROR|^\{/)
})
