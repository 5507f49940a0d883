// An Express app whose sensitive route awaits the user's confirmation on their phone.
import express from 'express'
import { Client, OmiError, PushTicket } from 'omi-push'

export function createApp(client: Client): express.Express {
  const app = express()

  // #region readme-express
  app.post('/payment-method', async (req, res) => {
    const userId = String(req.header('x-user-id')) // in a real app: from the session
    // If the browser gives up, stop polling: abort the wait when the response closes early.
    const abort = new AbortController()
    res.on('close', () => abort.abort())
    try {
      const ticket = await client.sendPush({ userId, message: 'Confirm the change of your payment method' })
      const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 60_000, signal: abort.signal })
      if (outcome.confirmed) {
        res.json({ changed: true })
      } else {
        res.status(403).json({ changed: false, outcome: outcome.kind })
      }
    } catch (err) {
      if (err instanceof OmiError && err.code === 'OMI_CANCELLED') return // the browser left
      res.status(502).json({ error: err instanceof OmiError ? err.code : 'INTERNAL' })
    }
  })
  // #endregion

  // #region readme-ticket
  // Two requests instead of one: start the push, keep the ticket (a short string) in the
  // session or the page, and wait for it from a later request, even in another process.
  app.post('/payment-method/start', async (req, res) => {
    const ticket = await client.sendPush({ userId: String(req.header('x-user-id')), message: 'Confirm the change' })
    res.json({ ticket: String(ticket) })
  })
  app.get('/payment-method/wait/:ticket', async (req, res) => {
    const ticket = PushTicket.parse(req.params.ticket)
    const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 30_000 })
    res.json({ outcome: outcome.kind })
  })
  // #endregion

  return app
}
