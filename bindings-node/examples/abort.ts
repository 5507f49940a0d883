// Cancelling a wait with an AbortSignal.
import { CancelledError, Client, Outcome, PushTicket } from 'omi-push'

// #region readme-abort
/** Waits at most `ms`, or until `userCancelled` aborts; `undefined` when cancelled. */
async function waitOrGiveUp(client: Client, ticket: PushTicket, userCancelled: AbortSignal, ms: number): Promise<Outcome | undefined> {
  const signal = AbortSignal.any([userCancelled, AbortSignal.timeout(ms)])
  try {
    return await client.waitForConfirmation(ticket, { signal })
  } catch (err) {
    if (err instanceof CancelledError) {
      // err.name === 'AbortError'; err.cause is the signal's reason (a TimeoutError for the timeout)
      return undefined
    }
    throw err
  }
}
// #endregion

export { waitOrGiveUp }
