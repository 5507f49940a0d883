'use strict'
// StepUpFlow: the core's web step-up flow (a route guard, the device picker, the waiting page
// and its status route), for any web framework. This file only renames fields; the flow's
// logic and pages are the core's (`omi_push::stepup::flow`).
const { inspect } = require('node:util')
const native = require('../native.js')
const args = require('./args.js')
const { sync } = require('./client.js')
const { StepUp, stepUpNative } = require('./stepup.js')
const { rethrow } = require('./errors.js')

const DEFAULT_MOUNT = '/step-up'
const DEFAULT_MESSAGE = 'Confirm this action on your phone'
const FLOW_OPTIONS = ['mount', 'message', 'layout']
const GUARD_KEYS = ['action', 'userId', 'session', 'url', 'wantsJson']
const REQUEST_KEYS = ['method', 'route', 'params', 'userId', 'session']

/** The core's `FlowResponse` with JavaScript names; absent fields are left out. */
function response(r) {
  const out = { status: r.status, contentType: r.content_type, body: r.body }
  if (r.location != null) out.location = r.location
  if (r.session != null) out.session = r.session
  out.headers = Object.fromEntries(r.headers ?? [])
  return out
}

/** The core's `Guard`: `{"allow":{"session"}}` or `{"respond":{…}}`. */
function guardResult(g) {
  if (g.allow) return { allow: true, session: g.allow.session }
  return { allow: false, response: response(g.respond) }
}

function guardArgs(options) {
  args.options('options', options, GUARD_KEYS, true)
  return [
    args.string('options.action', options.action),
    args.optString('options.userId', options.userId),
    args.optString('options.session', options.session),
    args.string('options.url', options.url),
    args.optBoolean('options.wantsJson', options.wantsJson) ?? false,
  ]
}

function params(name, p) {
  if (p === undefined || p === null) return {}
  if (typeof p !== 'object' || Array.isArray(p)) throw args.fail(name, 'an object of strings', p)
  const out = {}
  for (const [k, v] of Object.entries(p)) out[k] = args.string(`${name}.${k}`, v)
  return out
}

/** The core's `FlowRequest` of `request`. */
function flowRequest(request) {
  args.options('request', request, REQUEST_KEYS, true)
  const r = {
    method: args.string('request.method', request.method),
    route: args.string('request.route', request.route),
    params: params('request.params', request.params),
  }
  const userId = args.optString('request.userId', request.userId)
  const session = args.optString('request.session', request.session)
  if (userId !== undefined) r.user_id = userId
  if (session !== undefined) r.session = session
  return r
}

/**
 * The web step-up flow on a `StepUp`, mounted at `mount` (default `/step-up`), pushing
 * `message` to the phone. A framework adapter calls `guard` on a protected route and `handle`
 * for the flow's routes (`/start`, `/wait`, `/status` below the mount point), and keeps the
 * `session` value they return in the framework's session or a cookie (`''` = remove it).
 */
class StepUpFlow {
  #native
  #mount

  constructor(stepUp, options) {
    if (!(stepUp instanceof StepUp)) throw args.fail('stepUp', 'a StepUp', stepUp)
    args.options('options', options, FLOW_OPTIONS)
    const o = options ?? {}
    this.#mount = args.optString('options.mount', o.mount) ?? DEFAULT_MOUNT
    const message = args.optString('options.message', o.message) ?? DEFAULT_MESSAGE
    const layout = args.optString('options.layout', o.layout)
    this.#native = sync(() => new native.NativeFlow(stepUpNative(stepUp), this.#mount, message, layout))
  }

  /** Where the flow's routes are mounted, e.g. `/step-up`. */
  get mount() {
    return this.#mount
  }

  /**
   * The guard of a route for `action`: `{ allow: true, session }` when `userId` has a fresh
   * approval for it in `session` (spent now, once), else `{ allow: false, response }` (a 303 to
   * the start or the waiting page; 401 JSON when `wantsJson`; 401 without a user; 503 when the
   * store is down). `url`: the request's local URL, to come back to.
   */
  guard(options) {
    const a = guardArgs(options)
    return this.#native.guard(...a).then(guardResult, rethrow)
  }

  guardSync(options) {
    const a = guardArgs(options)
    return guardResult(sync(() => this.#native.guardSync(...a)))
  }

  /** Answers one request to the flow's routes: `{ status, contentType, body, location?, session? }`. */
  handle(request) {
    const r = flowRequest(request)
    return this.#native.handle(r).then(response, rethrow)
  }

  handleSync(request) {
    const r = flowRequest(request)
    return response(sync(() => this.#native.handleSync(r)))
  }

  [inspect.custom]() {
    return `StepUpFlow { mount: ${JSON.stringify(this.#mount)} }`
  }

  toJSON() {
    return { mount: this.#mount }
  }
}

// What every framework adapter (lib/express.js, lib/fastify.js) converts the same way.

/** The adapter's flow: a `StepUp` gets one built with `mount` and `message`; a `StepUpFlow` is used as it is. */
function adapterFlow(stepUp, mount, message) {
  if (stepUp instanceof StepUpFlow) {
    if (mount !== undefined || message !== undefined) {
      throw new TypeError('options.mount and options.message belong to the StepUpFlow given')
    }
    return stepUp
  }
  if (stepUp instanceof StepUp) return new StepUpFlow(stepUp, { mount, message })
  throw args.fail('stepUp', 'a StepUp or a StepUpFlow', stepUp)
}

/** The app's current-user callable as `async (req) => id | undefined` (`null` = nobody). */
function currentUser(name, user) {
  if (typeof user !== 'function') throw args.fail(name, 'a function', user)
  return async (req) => {
    const id = await user(req)
    return id === null || id === undefined ? undefined : args.string('the user of the request', id)
  }
}

/** Query or form values into `into` as strings (the first of a repeated one; others dropped). */
function stringParams(obj, into = {}) {
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) {
      const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined
      if (s !== undefined) into[k] = s
    }
  }
  return into
}

/** The value of cookie `name` in a `Cookie` header, or `undefined`. */
function readCookie(header, name) {
  for (const part of String(header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/**
 * The `Set-Cookie` value that keeps the flow's value in a cookie of its own (`''` removes it).
 * The value is signed challenges bound to the user and the action: not a secret, but no script
 * needs it.
 */
function flowCookie(name, value, secure) {
  const attrs = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
  return value ? `${name}=${encodeURIComponent(value)}; ${attrs}` : `${name}=; ${attrs}; Max-Age=0`
}

/**
 * Whether an `Accept` header prefers JSON to HTML (an API client), as Express's
 * `req.accepts(['html', 'json']) === 'json'`: the most specific range of each decides its
 * quality; a tie goes to the one listed first, then to HTML; no header = HTML. The core's
 * one rule (`omi_push::stepup::flow::wants_json`), as every binding asks it.
 */
function wantsJson(accept) {
  return native.flowWantsJson(accept == null ? undefined : String(accept))
}

/** Every header of a flow response as `[name, value]` (set them all; `Set-Cookie` is appended). */
function responseHeaders(r) {
  const h = r.headers ?? {}
  return Array.isArray(h) ? h : Object.entries(h)
}

module.exports = {
  StepUpFlow,
  DEFAULT_MOUNT,
  DEFAULT_MESSAGE,
  adapterFlow,
  currentUser,
  stringParams,
  readCookie,
  flowCookie,
  wantsJson,
  responseHeaders,
}
