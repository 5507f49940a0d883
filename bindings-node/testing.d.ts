/**
 * omi-push/testing: the OMI API simulator, in process, for your own tests.
 *
 * ```ts
 * import { Simulator } from 'omi-push/testing'
 * const sim = await Simulator.start({ users: [{ id: 'alice', devices: [{ id: 'phone' }] }] })
 * const client = new Client(sim.clientOptions({ pollIntervalMs: 100 }))
 * // ... sim.approve(ticket.nonce) ...
 * sim.stop()
 * ```
 * @packageDocumentation
 */
import { ErrorKind, OmiError, PushTicket } from './index.js'

export interface SimDevice {
  id: string
  name?: string
  platform?: string
}

export interface SimUser {
  id: string
  devices?: SimDevice[]
}

/** The route names of faults and the request log (plus `omi` = the four OMI routes, `*` = all). */
export type SimRoute = 'token' | 'devices' | 'push_device' | 'push_all' | 'confirmation'

/** An injected fault. Effects in order: wait `latencyMs`; then `drop`, or `status`, or `malformed`. */
export interface SimFault {
  route: SimRoute | 'omi' | '*'
  /** Answer with this status instead of processing the request. */
  status?: number
  /** `Retry-After` seconds sent with `status`. */
  retryAfterS?: number
  latencyMs?: number
  /** Break the connection instead of answering. */
  drop?: boolean
  /** Process the request, then answer 200 with a body that is not JSON. */
  malformed?: boolean
  /** Let the first `skip` matching requests through untouched. */
  skip?: number
  /** Then apply to this many requests (unset = forever). */
  times?: number | null
}

/** Answer every new push by itself after `delayMs` (default 2 000). */
export interface SimAutoRespond {
  action: 'approve' | 'reject'
  delayMs?: number
}

/** The simulator's configuration; every field is optional. */
export interface SimulatorConfig {
  /** Bind address, default `127.0.0.1`. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** `test` (default here: control routes and phone on), `demo` or `api`. */
  mode?: 'api' | 'test' | 'demo'
  /** Default `sim-client`. */
  clientId?: string
  /** Default: a random secret per start (read it from `clientSecret`). */
  clientSecret?: string
  /** Scopes the token endpoint grants; default the four push scopes. */
  allowedScopes?: string[]
  tokenLifetimeMs?: number
  /** A pending push becomes EXPIRED after this; default 120 000. */
  pushTtlMs?: number
  autoRespond?: SimAutoRespond | null
  /** Default: `user-1` with the device `dev-1`. */
  users?: SimUser[]
  faults?: SimFault[]
}

/** A push as the simulator saw it. */
export interface SimPush {
  nonce: string
  userId: string
  deviceIds: string[]
  message: string
  /** `PENDING`, `CONFIRMED`, `REJECTED`, `EXPIRED` or a custom state. */
  status: string
  /** Milliseconds since the simulator started. */
  createdMs: number
}

/** One logged OMI or token request (never headers or bodies). */
export interface SimLogEntry {
  seq: number
  route: SimRoute
  method: string
  /** The raw, percent-encoded path. */
  path: string
  query?: string | null
  /** Response status; 0 for a dropped connection. */
  status: number
  /** Milliseconds since the simulator started, when the request arrived. */
  tMs: number
}

/**
 * A real HTTP server on a free loopback port: OAuth token endpoint, the four push routes, a
 * virtual phone, fault injection and a request log. It does not keep the process alive.
 */
export declare class Simulator {
  private constructor()
  /** Starts a simulator (mode `test` unless `config.mode` says otherwise). */
  static start(config?: SimulatorConfig): Promise<Simulator>
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly baseUrl: string
  readonly tokenUrl: string
  readonly clientId: string
  /** The client secret the simulator accepts. */
  readonly clientSecret: string
  /** `Client` options that reach this simulator, merged with `extra`. */
  clientOptions<T extends object = {}>(extra?: T): { baseUrl: string; clientId: string; clientSecret: string } & T
  /** The virtual phone page of a device. */
  phoneUrl(deviceId: string): string
  addUser(user: SimUser): void
  addDevice(userId: string, device: SimDevice): void
  /** The phone approves a pending push; throws {@link SimulatorError} if it is unknown or not pending. */
  approve(nonce: string | PushTicket): void
  reject(nonce: string | PushTicket): void
  expire(nonce: string | PushTicket): void
  /** Sets any raw state string. */
  setState(nonce: string | PushTicket, state: string): void
  /** Every push, oldest first, or those of `deviceId`. */
  pushes(deviceId?: string): SimPush[]
  addFault(fault: SimFault): void
  clearFaults(): void
  /** Every token issued so far is refused from now on. */
  revokeTokens(): void
  setAutoRespond(auto: SimAutoRespond | null): void
  requestLog(): SimLogEntry[]
  clearLog(): void
  /** How many logged requests of `route` (`*` = all) used `method` (default `GET`). */
  count(route: SimRoute | '*', method?: string): number
  /** Runs one simulator-side conformance step (`{ do: 'phone', nonce, action, after_ms }`…). */
  control(step: Record<string, unknown>): Promise<void>
  /** Stops the server. Idempotent. */
  stop(): void
}

/** A simulator operation failed (`OMI_SIMULATOR`): unknown nonce, push not pending, bad config. */
export declare class SimulatorError extends OmiError {
  readonly code: 'OMI_SIMULATOR'
}

/** The core's error kinds, in the shared order (`omi_push_ffi::KINDS`). */
export declare const ERROR_KINDS: readonly ErrorKind[]

/** Throws the core's sample error of `kind` through the normal conversion (the cross-language error probe). */
export declare function throwSampleError(kind: ErrorKind): never

/** The core's error record of the sample error of `kind` (snake_case), or `undefined` for an unknown kind. */
export declare function sampleErrorRecord(kind: string): Record<string, unknown> | undefined
