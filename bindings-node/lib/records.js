'use strict'
// The shared result records (`omi_push_ffi::records`, snake_case objects from the native module)
// as plain JavaScript objects: camelCase names, absent fields left out, JSON-serialisable.
// The derived flags (`isFinal`, `confirmed`) are the core's values, not re-derived here.

function device(r) {
  const d = { id: r.id }
  if (r.name != null) d.name = r.name
  if (r.platform != null) d.platform = r.platform
  if (r.created_at != null) d.createdAt = r.created_at
  if (r.last_used_at != null) d.lastUsedAt = r.last_used_at
  d.extra = Object.fromEntries(r.extra.map(([k, v]) => [k, JSON.parse(v)]))
  return d
}

function status(r) {
  return { state: r.state, raw: r.raw, isFinal: r.is_final }
}

function outcome(r) {
  const o = { kind: r.kind, confirmed: r.is_confirmed, elapsedMs: r.elapsed_ms, polls: r.polls }
  if (r.last_status != null) o.lastStatus = r.last_status
  return o
}

/** The fields of a `PushTicket`. */
function ticket(r) {
  return {
    nonce: r.nonce,
    userId: r.user_id,
    deviceId: r.device_id ?? undefined,
    sentAtMs: r.sent_at_ms,
    expiresAtMs: r.expires_at_ms ?? undefined,
    encoded: r.text,
  }
}

module.exports = { device, status, outcome, ticket }
