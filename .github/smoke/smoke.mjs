// Release smoke test of the omi-push npm packages (run by .github/workflows/release.yml in an
// empty folder with only the packed tarballs installed): push -> approve -> confirmed. The
// process must also exit by itself.
import { Client } from 'omi-push'
import { Simulator } from 'omi-push/testing'

const sim = await Simulator.start()
const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))
const ticket = await client.sendPush({ userId: 'user-1', deviceId: 'dev-1', message: 'release smoke test' })
sim.approve(ticket.nonce)
const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 30_000 })
sim.stop()
if (outcome.kind !== 'confirmed') throw new Error(`smoke: expected confirmed, got ${outcome.kind}`)
console.log(`smoke: ${outcome.kind}`)
