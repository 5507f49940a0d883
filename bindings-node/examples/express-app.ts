// An Express app whose sensitive route needs a fresh confirmation on the user's phone, through
// the step-up API: the challenge is signed, bound to this user and this action, and used once.
import express from 'express'
import { AlreadyUsedError, CancelledError, ChallengeMismatchError, Client, InvalidChallengeError, OmiError, PushTicket, StepUp, ThrottledError } from 'omi-push'

/** In a real app: the user of the authenticated session. */
function sessionUser(req: express.Request): string {
  return String(req.header('x-user-id'))
}

export function createApp(client: Client, stepUp: StepUp): express.Express {
  const app = express()
  app.use(express.json())

  // #region readme-express
  // One StepUp per app, built at start-up:
  //   new StepUp(client, { keys: process.env.STEP_UP_KEY!, store: process.env.REDIS_URL ?? 'memory' })
  // (the key: at least 32 bytes from your secrets store; a redis:// store when the app runs on
  // several instances).
  const ACTION = 'payment-method.change'

  // 1. The user opens the feature: push to their phone and give the challenge to the page.
  app.post('/payment-method/start', async (req, res) => {
    try {
      const challenge = await stepUp.begin({ userId: sessionUser(req), action: ACTION, message: 'Confirm the change of your payment method' })
      res.json({ challenge: challenge.text }) // signed, no secret: fine in the page, a form or a cookie
    } catch (err) {
      if (err instanceof ThrottledError) return res.status(429).json({ error: err.code, retryAfterMs: err.retryAfterMs })
      res.status(502).json({ error: err instanceof OmiError ? err.code : 'INTERNAL' })
    }
  })

  // 2. The page posts the challenge back; it counts only for this session's user and this
  // action, only while fresh, and only once.
  app.post('/payment-method', async (req, res) => {
    // If the browser gives up, stop polling: abort the wait when the response closes early.
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const verdict = await stepUp.wait(String(req.body?.challenge ?? ''), {
        userId: sessionUser(req),
        action: ACTION,
        timeoutMs: 60_000,
        signal: abort.signal,
      })
      if (verdict === 'approved') {
        res.json({ changed: true }) // ... change the payment method here
      } else {
        res.status(403).json({ changed: false, verdict }) // pending (timed out), rejected, expired
      }
    } catch (err) {
      if (err instanceof CancelledError) return // the browser left
      if (err instanceof InvalidChallengeError || err instanceof ChallengeMismatchError || err instanceof AlreadyUsedError) {
        return res.status(403).json({ changed: false, error: err.code }) // forged, someone else's, or replayed
      }
      res.status(502).json({ error: err instanceof OmiError ? err.code : 'INTERNAL' })
    }
  })
  // #endregion

  // #region readme-ticket
  // Low level: a bare PushTicket proves nothing about who may use it. Keep it server-side
  // (never in the page, a URL or a cookie) and consume it once; for web flows use StepUp.
  const pending = new Map<string, PushTicket>() // per user; a shared store in a real app
  app.post('/job/start', async (req, res) => {
    const ticket = await client.sendPush({ userId: sessionUser(req), message: 'Confirm the export' })
    pending.set(sessionUser(req), ticket)
    res.status(202).end()
  })
  app.post('/job/wait', async (req, res) => {
    const ticket = pending.get(sessionUser(req))
    pending.delete(sessionUser(req)) // consumed once, whatever the outcome
    if (ticket === undefined) return res.status(404).end()
    const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 30_000 })
    res.json({ outcome: outcome.kind })
  })
  // #endregion

  return app
}
