'use strict'
// The example app: a signed-in user (a fixed demo login, kept in @fastify/secure-session) and a
// "change payment method" page behind the step-up guard of omi-push/fastify.
const Fastify = require('fastify')
const fastifyStepUp = require('omi-push/fastify')

const ACTION = 'change-payment-method'

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.4rem 1rem}</style></head>
<body><main>${body}</main></body></html>`
}

/**
 * The app on `stepUp` (an omi-push StepUp); `userId` is the one demo account; `sessionKey`
 * (32 bytes) encrypts the session cookie (the demo login and the step-up's value).
 */
async function createApp({ stepUp, userId, sessionKey }) {
  const app = Fastify()
  await app.register(require('@fastify/secure-session'), {
    key: sessionKey,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax' },
  })
  // The signed-in user is the only thing the plugin needs; the flow's value goes to the same session.
  await app.register(fastifyStepUp, {
    stepUp,
    user: (request) => request.session.get('user'),
    message: 'Confirm the change of your payment method',
  })

  app.get('/', async (request, reply) => {
    reply.type('text/html; charset=utf-8')
    const user = request.session.get('user')
    if (!user) {
      return page('Demo shop', `<h1>Demo shop</h1><form method="post" action="/login"><button type="submit">Sign in as ${escape(userId)}</button></form>`)
    }
    return page(
      'Demo shop',
      `<h1>Hello, ${escape(user)}</h1><p><a href="/payment-method">Change payment method</a> (asks your phone first)</p>` +
        '<form method="post" action="/logout"><button type="submit">Sign out</button></form>',
    )
  })
  app.post('/login', async (request, reply) => {
    request.session.set('user', userId)
    return reply.redirect('/', 303)
  })
  app.post('/logout', async (request, reply) => {
    request.session.delete()
    return reply.redirect('/', 303)
  })

  // Reached only right after this user approved this action on their phone, once.
  app.get('/payment-method', { preHandler: app.stepUp.guard(ACTION) }, async (request, reply) => {
    reply.type('text/html; charset=utf-8')
    return page(
      'Change payment method',
      `<h1>Change payment method</h1><p id="confirmed">Confirmed on your phone, ${escape(request.session.get('user'))}.</p>` +
        '<p>Current card: Visa •••• 4242</p><p><a href="/">Back</a></p>',
    )
  })
  return app
}

module.exports = { createApp, ACTION }
