// Counting outcomes and timing waits from a client's events.
// #region readme-metrics
import { Client, type ClientOptions, type OmiEvent } from 'omi-push'

/** Wait outcomes, wait durations and retries, from the events (export them to your metrics system). */
export class WaitMetrics {
  readonly outcomes = new Map<string, number>()
  readonly waitMs: number[] = []
  retries = 0

  readonly onEvent = (e: OmiEvent): void => {
    if (e.event === 'wait') {
      const key = e.outcome ?? `error:${e.error}`
      this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1)
      this.waitMs.push(e.elapsedMs)
    } else if (e.event === 'retry') {
      this.retries += 1
    }
  }
}

export function clientWithMetrics(options: ClientOptions, metrics: WaitMetrics): Client {
  return new Client({ ...options, onEvent: metrics.onEvent })
}
// #endregion
