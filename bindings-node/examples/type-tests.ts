// Compile-time checks of the public types (type-checked with the examples, never run).
import { CancelledError, Challenge, Client, ClientOptions, Device, OmiError, OmiEvent, Outcome, OutcomeKind, PushTicket, RateLimitedError, Status, StepUp, ThrottledError, Verdict } from 'omi-push'
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

export async function stepUpTypeTests(client: Client): Promise<void> {
  const stepUp = new StepUp(client, { keys: ['k'.repeat(32), new Uint8Array(32)], store: 'memory', maxAgeMs: 60_000 })
  const challenge: Challenge = await stepUp.begin({ userId: 'u', action: 'pay', message: 'ok?' })
  const verdict: Verdict = await stepUp.check(challenge, { userId: 'u', action: 'pay' })
  const waited: Verdict = await stepUp.wait(challenge.text, { userId: 'u', action: 'pay', timeoutMs: 1, signal: AbortSignal.timeout(1) })
  const blocking: Verdict = stepUp.waitSync(challenge, { userId: 'u', action: 'pay', timeoutMs: 1 })
  const redeemed: boolean = await stepUp.redeem(challenge, { userId: 'u', action: 'pay' })
  const status: Status = client.confirmationStatusSync(challenge.nonce)
  const final: boolean = status.isFinal
  const events: ClientOptions = { baseUrl: 'https://t', onEvent: (e: OmiEvent) => void (e.event === 'wait' ? e.outcome : e.event) }
  void [verdict, waited, blocking, redeemed, final, events]
  // @ts-expect-error verdicts are a closed set
  const bad: Verdict = 'confirmed'
  void bad
  // @ts-expect-error check needs the user and the action of the request
  await stepUp.check(challenge, { userId: 'u' })
  // @ts-expect-error keys are strings or bytes
  new StepUp(client, { keys: 42 })
  try {
    await stepUp.begin({ userId: 'u', action: 'pay', message: 'again' })
  } catch (err) {
    if (err instanceof ThrottledError) {
      const code: 'OMI_THROTTLED' = err.code
      const ms: number | undefined = err.retryAfterMs
      void [code, ms]
    }
  }
}
