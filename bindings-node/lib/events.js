'use strict'
// The core's events (request, token, retry, rate_limited, push, wait), delivered the ways Node
// users expect: the `omi-push` diagnostics channel (as undici does for its own), `DEBUG=omi-push`
// (or `NODE_DEBUG=omi-push`) lines on stderr, and a client's own `onEvent` hook. Events carry
// no secret, no token and no nonce (the core leaves them out).
const dc = require('node:diagnostics_channel')
const util = require('node:util')

/** The channel every client publishes its events to (`diagnostics_channel.subscribe('omi-push', fn)`). */
const channel = dc.channel('omi-push')

const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())

/** Whether `DEBUG` (the `debug` package's syntax: names, `*` wildcards, `-` exclusions) names `name`. */
function debugEnabled(spec, name) {
  let on = false
  for (const part of String(spec ?? '').split(/[\s,]+/).filter(Boolean)) {
    const negate = part.startsWith('-')
    const pattern = new RegExp(`^${(negate ? part.slice(1) : part).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`)
    if (pattern.test(name)) {
      if (negate) return false
      on = true
    }
  }
  return on
}

const debugOn = debugEnabled(process.env.DEBUG, 'omi-push')
const debuglog = util.debuglog('omi-push')

/** `{ event: 'retry', op, attempt, delayMs, error }`: the core's event with camelCase names. */
function fromJson(text) {
  const raw = JSON.parse(text)
  const event = { event: raw.event }
  for (const [k, v] of Object.entries(raw)) if (v !== null) event[camel(k)] = v
  return event
}

function debugLine(event) {
  const { event: name, ...fields } = event
  const detail = Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  return `omi-push ${name} ${detail}`
}

/** The function a client's native half calls with each event (JSON text). */
function dispatcher(onEvent) {
  return (text) => {
    const debugging = debugOn || debuglog.enabled
    if (!onEvent && !channel.hasSubscribers && !debugging) return
    const event = fromJson(text)
    if (debugOn) process.stderr.write(`${debugLine(event)}\n`)
    else if (debuglog.enabled) debuglog('%s', debugLine(event))
    if (channel.hasSubscribers) channel.publish(event)
    if (onEvent) {
      try {
        onEvent(event)
      } catch (e) {
        // A failing hook must not break the client's calls; say so once per failure.
        process.emitWarning(`the onEvent hook threw: ${e?.message ?? e}`, 'OmiPushWarning')
      }
    }
  }
}

module.exports = { channel, dispatcher, debugEnabled }
