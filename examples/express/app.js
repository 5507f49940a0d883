'use strict'
// The example app: a signed-in user (a fixed demo login) and a "change payment method" page
// behind the step-up guard of omi-push/express.
const express = require('express')
const { expressStepUp } = require('omi-push/express')

const ACTION = 'change-payment-method'

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.4rem 1rem}</style></head>
<body><main>${body}</main></body></html>`
}

/** The demo login: a cookie naming the user (a real app has its own authentication). */
function demoUser(req) {
  const m = /(?:^|;\s*)demo_user=([^;]+)/.exec(req.headers.cookie ?? '')
  return m ? decodeURIComponent(m[1]) : undefined
}

/** The app on `stepUp` (an omi-push StepUp); `userId` is the one demo account. */
function createApp({ stepUp, userId }) {
  const app = express()
  const confirm = expressStepUp(stepUp, { user: demoUser, message: 'Confirm the change of your payment method' })
  app.use(express.urlencoded({ extended: false }))
  app.use(confirm.router())

  app.get('/', (req, res) => {
    const user = demoUser(req)
    if (!user) {
      return res.send(page('Demo shop', `<h1>Demo shop</h1><form method="post" action="/login"><button type="submit">Sign in as ${escape(userId)}</button></form>`))
    }
    res.send(
      page(
        'Demo shop',
        `<h1>Hello, ${escape(user)}</h1><p><a href="/payment-method">Change payment method</a> (asks your phone first)</p>` +
          '<form method="post" action="/logout"><button type="submit">Sign out</button></form>',
      ),
    )
  })
  app.post('/login', (_req, res) => {
    res.append('Set-Cookie', `demo_user=${encodeURIComponent(userId)}; Path=/; HttpOnly; SameSite=Lax`)
    res.redirect(303, '/')
  })
  app.post('/logout', (_req, res) => {
    res.append('Set-Cookie', 'demo_user=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0')
    res.redirect(303, '/')
  })

  // Reached only right after this user approved this action on their phone, once.
  app.get('/payment-method', confirm.guard(ACTION), (req, res) => {
    res.send(
      page(
        'Change payment method',
        `<h1>Change payment method</h1><p id="confirmed">Confirmed on your phone, ${escape(demoUser(req))}.</p>` +
          '<p>Current card: Visa •••• 4242</p><p><a href="/">Back</a></p>',
      ),
    )
  })
  return app
}

module.exports = { createApp, demoUser, ACTION }
