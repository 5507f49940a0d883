// Quick start: list the user's devices, push to the first one, wait for the answer.
// Run: OMI_BASE_URL=... OMI_CLIENT_ID=... OMI_CLIENT_SECRET=... node quickstart.js user-1
// #region readme-quickstart
import { Client } from 'omi-push'

const client = new Client({
  baseUrl: process.env.OMI_BASE_URL ?? 'https://tenant.example',
  clientId: process.env.OMI_CLIENT_ID ?? '',
  clientSecret: process.env.OMI_CLIENT_SECRET ?? '',
})

async function confirmOnPhone(userId: string): Promise<boolean> {
  const [device] = await client.listDevices(userId)
  const ticket = await client.sendPush({
    userId,
    deviceId: device?.id, // without a deviceId the push goes to all of the user's devices
    message: 'Confirm the change of your payment method',
  })
  const outcome = await client.waitForConfirmation(ticket, { timeoutMs: 60_000 })
  console.log(`${outcome.kind} after ${Math.round(outcome.elapsedMs)} ms`) // confirmed | rejected | expired | timed_out
  return outcome.confirmed
}
// #endregion

confirmOnPhone(process.argv[2] ?? 'user-1').then(
  (ok) => console.log(ok ? 'confirmed: go ahead' : 'not confirmed'),
  (err) => {
    console.error(err)
    process.exitCode = 1
  },
)
