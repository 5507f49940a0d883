'use strict'
// omi-push/express: the web step-up flow as Express middleware — `guard(action)` on a route,
// `router()` for the flow's pages. Conversion only: an Express request becomes the core's
// flow request, the core's answer is written back, and the flow's session value is kept in
// `req.session` (express-session, cookie-session) or else in a cookie of its own.
// Express itself is not required here: both are plain `(req, res, next)` functions.
const args = require('./args.js')
const { adapterFlow, currentUser, stringParams, readCookie, flowCookie, responseHeaders } = require('./flow.js')

const OPTIONS = ['user', 'mount', 'message', 'cookieName', 'sessionKey']
const DEFAULT_COOKIE = 'omi_step_up'
const DEFAULT_SESSION_KEY = 'omiStepUp'
const MAX_FORM_BYTES = 64 * 1024

/** Where the flow's value lives: the app's session when there is one, else a cookie. */
function sessionStore(cookieName, sessionKey) {
  return {
    get(req) {
      if (req.session && typeof req.session === 'object') {
        const v = req.session[sessionKey]
        return typeof v === 'string' ? v : undefined
      }
      return readCookie(req.headers.cookie, cookieName)
    },
    set(req, res, value) {
      if (req.session && typeof req.session === 'object') {
        if (value) req.session[sessionKey] = value
        else delete req.session[sessionKey]
        return
      }
      res.append('Set-Cookie', flowCookie(cookieName, value, req.secure))
    },
  }
}

/** The form of a POST: `req.body` when a body parser ran, else read here (urlencoded only). */
function formOf(req) {
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) return Promise.resolve(stringParams(req.body))
  if (req.method !== 'POST' || !req.is('application/x-www-form-urlencoded') || !req.readable) return Promise.resolve({})
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > MAX_FORM_BYTES) {
        const e = new Error('step-up form too large')
        e.status = 413
        req.destroy()
        reject(e)
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))))
    req.on('error', reject)
  })
}

function wantsJson(req) {
  return req.accepts(['html', 'json']) === 'json'
}

/**
 * The step-up flow for an Express app. `stepUp`: a `StepUp` (the flow is built with `mount`
 * and `message`) or a `StepUpFlow`. `user(req)`: the signed-in user's id (or a promise of it),
 * `undefined` when nobody is signed in. Mount `router()` at the app's root, put `guard(action)`
 * before a route's handler.
 */
function expressStepUp(stepUp, options) {
  args.options('options', options, OPTIONS, true)
  const user = currentUser('options.user', options.user)
  const flow = adapterFlow(stepUp, options.mount, options.message)
  const store = sessionStore(
    args.optString('options.cookieName', options.cookieName) ?? DEFAULT_COOKIE,
    args.optString('options.sessionKey', options.sessionKey) ?? DEFAULT_SESSION_KEY,
  )

  function send(req, res, r) {
    if (r.session !== undefined) store.set(req, res, r.session)
    for (const [name, value] of responseHeaders(r)) {
      if (name.toLowerCase() === 'set-cookie') res.append(name, value)
      else res.set(name, value)
    }
    res.status(r.status)
    res.set('Content-Type', r.contentType)
    if (r.location !== undefined) res.set('Location', r.location)
    res.send(r.body)
  }

  function guard(action) {
    args.string('action', action)
    return function stepUpGuard(req, res, next) {
      const run = async () => {
        const result = await flow.guard({
          action,
          userId: await user(req),
          session: store.get(req),
          url: req.originalUrl,
          wantsJson: wantsJson(req),
        })
        if (!result.allow) return send(req, res, result.response)
        store.set(req, res, result.session)
        next()
      }
      run().catch(next)
    }
  }

  function router() {
    const prefix = `${flow.mount}/`
    return function stepUpRoutes(req, res, next) {
      if (!req.path.startsWith(prefix)) return next()
      const run = async () => {
        const params = stringParams(req.query)
        Object.assign(params, await formOf(req))
        const response = await flow.handle({
          method: req.method,
          route: req.path.slice(flow.mount.length),
          params,
          userId: await user(req),
          session: store.get(req),
        })
        send(req, res, response)
      }
      run().catch(next)
    }
  }

  return { flow, guard, router }
}

module.exports = { expressStepUp, DEFAULT_COOKIE, DEFAULT_SESSION_KEY }
