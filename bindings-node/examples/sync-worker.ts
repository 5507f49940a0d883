// A script (or worker thread) that waits with the blocking form.
// Run: node sync-worker.js <ticket>
// #region readme-sync
import { Client, PushTicket } from 'omi-push'

const client = new Client({
  baseUrl: process.env.OMI_BASE_URL ?? 'https://tenant.example',
  clientId: process.env.OMI_CLIENT_ID ?? '',
  clientSecret: process.env.OMI_CLIENT_SECRET ?? '',
})
const ticket = PushTicket.parse(process.argv[2] ?? '')
// Blocks this thread (and its event loop) until the wait ends: fine in a script or a worker,
// never in a server's request handler.
const outcome = client.waitForConfirmationSync(ticket, { timeoutMs: 60_000, pollIntervalMs: 1_000 })
console.log(outcome.kind)
// #endregion
