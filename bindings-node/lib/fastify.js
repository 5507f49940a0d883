'use strict'
// omi-push/fastify: the web step-up flow as a Fastify plugin — the flow's routes under its
// mount point, and `fastify.stepUp.guard(action)` as a route's preHandler (or the route option
// `config: { stepUp: action }`). Conversion only: a Fastify request becomes the core's flow
// request, the core's answer is written back, and the flow's session value is kept in
// `request.session` (@fastify/secure-session, @fastify/session) or else in a cookie of its own.
// Fastify itself is not required here: the plugin is marked the way fastify-plugin marks one.
const args = require('./args.js')
const { adapterFlow, currentUser, stringParams, readCookie, flowCookie, wantsJson, responseHeaders } = require('./flow.js')

const OPTIONS = ['stepUp', 'user', 'mount', 'message', 'cookieName', 'sessionKey']
const DEFAULT_COOKIE = 'omi_step_up'
const DEFAULT_SESSION_KEY = 'omiStepUp'
const FORM = 'application/x-www-form-urlencoded'
const MAX_FORM_BYTES = 64 * 1024

/** Where the flow's value lives: the app's session when there is one, else a cookie. */
function sessionStore(cookieName, sessionKey) {
  const sessionOf = (request) => {
    const s = request.session
    return s && typeof s === 'object' ? s : undefined
  }
  return {
    get(request) {
      const s = sessionOf(request)
      if (s === undefined) return readCookie(request.headers.cookie, cookieName)
      const v = typeof s.get === 'function' ? s.get(sessionKey) : s[sessionKey]
      return typeof v === 'string' ? v : undefined
    },
    set(request, reply, value) {
      const s = sessionOf(request)
      if (s === undefined) {
        // Fastify appends every Set-Cookie given (it never replaces one).
        reply.header('set-cookie', flowCookie(cookieName, value, request.protocol === 'https'))
      } else if (typeof s.set === 'function') {
        s.set(sessionKey, value || undefined)
      } else if (value) {
        s[sessionKey] = value
      } else {
        delete s[sessionKey]
      }
    },
  }
}

/**
 * The step-up flow as a Fastify (5) plugin: `fastify.register(fastifyStepUp, { stepUp, user })`.
 * `stepUp`: a `StepUp` (the flow is built with `mount` and `message`) or a `StepUpFlow`.
 * `user(request)`: the signed-in user's id (or a promise of it), `undefined` when nobody is
 * signed in. Decorates the instance with `stepUp` (`{ flow, guard(action) }`); it is not
 * encapsulated, so the guard and the route option reach the routes registered after it.
 */
async function fastifyStepUp(fastify, options) {
  args.options('options', options, OPTIONS, true)
  const user = currentUser('options.user', options.user)
  const flow = adapterFlow(options.stepUp, options.mount, options.message)
  const store = sessionStore(
    args.optString('options.cookieName', options.cookieName) ?? DEFAULT_COOKIE,
    args.optString('options.sessionKey', options.sessionKey) ?? DEFAULT_SESSION_KEY,
  )

  function send(request, reply, r) {
    if (r.session !== undefined) store.set(request, reply, r.session)
    for (const [name, value] of responseHeaders(r)) reply.header(name, value)
    reply.code(r.status).type(r.contentType)
    if (r.location !== undefined) reply.header('location', r.location)
    return reply.send(r.body)
  }

  function guard(action) {
    args.string('action', action)
    return async function stepUpGuard(request, reply) {
      const result = await flow.guard({
        action,
        userId: await user(request),
        session: store.get(request),
        url: request.url,
        wantsJson: wantsJson(request.headers.accept),
      })
      if (!result.allow) return send(request, reply, result.response)
      store.set(request, reply, result.session)
    }
  }

  fastify.decorate('stepUp', { flow, guard })

  // `config: { stepUp: action }` on a route: its guard runs last of the route's preHandlers
  // (after the app's own authentication hooks).
  fastify.addHook('onRoute', (route) => {
    const action = route.config?.stepUp
    if (action === undefined) return
    const pre = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]
    route.preHandler = [...pre, guard(action)]
  })

  // The flow's routes in a context of their own, so their form parser (the picker's and
  // "Send again"'s posts) stays theirs: the app may have @fastify/formbody, or not.
  fastify.register(async function stepUpRoutes(routes) {
    if (!routes.hasContentTypeParser(FORM)) {
      routes.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: MAX_FORM_BYTES }, (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body)))
      })
    }
    routes.route({
      method: ['GET', 'POST'],
      url: `${flow.mount}/*`,
      handler: async (request, reply) => {
        const params = stringParams(request.query)
        if (request.method === 'POST') stringParams(request.body, params)
        const response = await flow.handle({
          method: request.method,
          route: `/${request.params['*']}`,
          params,
          userId: await user(request),
          session: store.get(request),
        })
        return send(request, reply, response)
      },
    })
  })
}

// What fastify-plugin sets: not encapsulated (the decorator reaches the app), its name and
// the Fastify it needs.
fastifyStepUp[Symbol.for('skip-override')] = true
fastifyStepUp[Symbol.for('fastify.display-name')] = 'omi-push'
fastifyStepUp[Symbol.for('plugin-meta')] = { name: 'omi-push', fastify: '5.x' }

module.exports = { fastifyStepUp, DEFAULT_COOKIE, DEFAULT_SESSION_KEY }
