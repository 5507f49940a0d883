// Compile-time checks of the public types (type-checked with the examples, never run).
import { CancelledError, Client, Device, OmiError, Outcome, OutcomeKind, PushTicket, RateLimitedError, Status } from 'omi-push'
import { Simulator, SimLogEntry } from 'omi-push/testing'

export async function typeTests(client: Client, sim: Simulator, ticket: PushTicket): Promise<void> {
  const devices: Device[] = await client.listDevices('u')
  const extra: unknown = devices[0]?.extra['color']
  const status: Status = await client.confirmationStatus(ticket)
  const outcome: Outcome = await client.waitForConfirmation(ticket.nonce, { timeoutMs: 1, pollIntervalMs: 1 })
  const kind: OutcomeKind = outcome.kind
  const sync: Outcome = client.waitForConfirmationSync(ticket)
  const log: SimLogEntry[] = sim.requestLog()
  const text: string = String(PushTicket.parse(ticket.toString()))
  void [extra, status, kind, sync, log, text]

  // @ts-expect-error a user id is a string
  await client.listDevices(42)
  // @ts-expect-error the message is required
  await client.sendPush({ userId: 'u' })
  // @ts-expect-error `signal` is not an option of the blocking form
  client.waitForConfirmationSync(ticket, { signal: AbortSignal.timeout(1) })
  // @ts-expect-error outcome kinds are a closed set
  const bad: OutcomeKind = 'approved'
  void bad
  // @ts-expect-error tickets are made by sendPush or PushTicket.parse
  new PushTicket()

  try {
    await client.listDevices('u')
  } catch (err) {
    if (err instanceof RateLimitedError) {
      const ms: number | undefined = err.retryAfterMs
      const code: 'OMI_RATE_LIMITED' = err.code
      void [ms, code]
    }
    if (err instanceof CancelledError) {
      const name: 'AbortError' = err.name
      void name
    }
    if (err instanceof OmiError) {
      const retryable: boolean = err.retryable
      void retryable
    }
  }
}
