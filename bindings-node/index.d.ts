/**
 * omi-push: ask a logged-in user to confirm a sensitive action on their enrolled phone,
 * through the OneWelcome/Thales Mobile Identity (OMI) push API.
 *
 * ```ts
 * import { Client } from 'omi-push'
 * const client = new Client({ baseUrl, clientId, clientSecret })
 * const ticket = await client.sendPush({ userId, deviceId, message: 'Confirm the new payment method' })
 * const outcome = await client.waitForConfirmation(ticket.nonce, { timeoutMs: 60_000, signal })
 * if (outcome.confirmed) { ... }
 * ```
 * @packageDocumentation
 */

// The public types are declared here, once (the native module's generated `native.d.ts` is
// internal: it passes the core's records as JSON).

/** Endpoint path templates; every field defaults to the OMI wire profile v1. */
export interface PathOptions {
  /** `GET`, list devices. Default `/omi/users/{userId}/devices`. */
  devices?: string
  /** `POST`, push to one device. Default `/omi/push/user/{userId}/device/{deviceId}`. */
  pushDevice?: string
  /** `POST`, push to all of a user's devices. Default `/omi/push/user/{userId}`. */
  pushAll?: string
  /** `GET`, read a confirmation. Default `/omi/push/confirmation`. */
  confirmation?: string
  /** Query parameter that carries the nonce. Default `nonce`. */
  confirmationQuery?: string
}

/** An enrolled device of a user (plain data: JSON-serialisable). */
export interface Device {
  /** Device id. */
  id: string
  /** Display name, if the server gives one. */
  name?: string
  /** `android`, `ios` or whatever else the server says. */
  platform?: string
  /** RFC 3339 enrolment time. */
  createdAt?: string
  /** RFC 3339 time of last use. */
  lastUsedAt?: string
  /** Every other field the server sent, as it came. */
  extra: Record<string, unknown>
}

/** A confirmation state; `unknown` is a value the wire profile does not know (treated as pending, never as confirmed). */
export type ConfirmationState = 'pending' | 'confirmed' | 'rejected' | 'expired' | 'unknown'

/** The confirmation state of a push, as last read. */
export interface Status {
  state: ConfirmationState
  /** The state string as the server sent it. */
  raw: string
  /** True when no further change is expected (confirmed, rejected, expired). */
  isFinal: boolean
}

/** How a wait ended. */
export type OutcomeKind = 'confirmed' | 'rejected' | 'expired' | 'timed_out'

/** The result of a wait: data, not an error. */
export interface Outcome {
  kind: OutcomeKind
  /** `kind === 'confirmed'`. */
  confirmed: boolean
  /** Milliseconds from the start of the wait to its end. */
  elapsedMs: number
  /** Confirmation requests sent (including failed ones). */
  polls: number
  /** The last state string the server sent, as it came. */
  lastStatus?: string
}

/** Options of a blocking wait; unset fields take the client's defaults. */
export interface WaitSyncOptions {
  /** Give up (outcome `timed_out`) after this many milliseconds. */
  timeoutMs?: number
  /** Milliseconds between the starts of two polls. */
  pollIntervalMs?: number
}

/** Options of a client. Give `clientId` and `clientSecret`, or `accessToken`. */
export interface ClientOptions {
  /**
   * The tenant's base URL, e.g. `https://tenant.example`. `http://` only for loopback
   * unless `allowInsecureHttp` is set.
   */
  baseUrl: string
  /** OAuth2 client id (client-credentials grant). */
  clientId?: string
  /** OAuth2 client secret. Never shown by `inspect`, `JSON.stringify`, errors or logs. */
  clientSecret?: string
  /** A token obtained elsewhere, used as is and never refreshed (instead of client credentials). */
  accessToken?: string
  /** How the client authenticates at the token endpoint: HTTP Basic (default) or form body. */
  clientAuth?: 'basic' | 'post'
  /** Token endpoint. Default `{baseUrl}/auth/oauth2.0/v1/token`. */
  tokenUrl?: string
  /** Scopes to request. Default: the four push scopes. */
  scopes?: string[]
  /** Timeout of one HTTP request, in milliseconds. Default 10 000. */
  requestTimeoutMs?: number
  /** Timeout of making a connection, in milliseconds. Default 5 000. */
  connectTimeoutMs?: number
  /** Total budget of one list, push or status call, retries included, in milliseconds. */
  callTimeoutMs?: number
  /** Default time between two polls of a wait, in milliseconds. Default 1 000. */
  pollIntervalMs?: number
  /** Default timeout of a wait, in milliseconds. Default 120 000. */
  waitTimeoutMs?: number
  /** Retries of an idempotent call (GET, token) after a transient failure. Default 2. */
  maxRetries?: number
  /** Cap of a successful response body, in bytes (at least 1 024); a larger body is a `ProtocolError`. */
  maxResponseBytes?: number
  /** Endpoint path overrides. */
  paths?: PathOptions
  /** Longest accepted push message, in characters. Default 1 024. */
  maxMessageChars?: number
  /** Allows `http://` to a host that is not loopback (test networks only). */
  allowInsecureHttp?: boolean
  /** An extra trusted CA certificate, PEM. */
  caCertPem?: string
  /**
   * Requests a second for the whole client (off by default): every request takes the next
   * evenly spaced slot, first come first served, so many concurrent waits stretch their
   * intervals fairly instead of bursting.
   */
  requestBudget?: number
  /** HTTP/2 use: `auto` (the default), `always` or `never`. */
  http2?: 'auto' | 'always' | 'never'
  /**
   * Receives every event of this client (requests, token refreshes, retries, rate limits,
   * pushes, waits), shortly after it happens, on the JavaScript thread: count outcomes, time
   * waits, feed Prometheus or OpenTelemetry. The same events go to the `omi-push`
   * diagnostics channel and, with `DEBUG=omi-push`, to stderr. A hook that throws does not
   * break any call (a warning is emitted). Events carry no secret, token or nonce.
   */
  onEvent?: (event: OmiEvent) => void
}

/** An event of a client (`event` names its kind). Times in milliseconds. */
export type OmiEvent =
  /** One HTTP request to the OMI API ended: its status, or the error kind without an answer; `attempt` counts from 1. */
  | { event: 'request'; op: string; status?: number; error?: string; attempt: number; elapsedMs: number }
  /** One token request ended. */
  | { event: 'token'; status?: number; error?: string; elapsedMs: number }
  /** A call will be tried again after `delayMs`. */
  | { event: 'retry'; op: string; attempt: number; delayMs: number; error: string }
  /** The server said to slow down (429, or 503 with `Retry-After`). */
  | { event: 'rate_limited'; op: string; retryAfterMs?: number }
  /** A push was accepted by the server. */
  | { event: 'push'; toAllDevices: boolean }
  /** A wait ended: its outcome, or the error kind that ended it. */
  | { event: 'wait'; outcome?: OutcomeKind; error?: string; polls: number; elapsedMs: number }

/** What to push, and to whom. */
export interface SendPushRequest {
  userId: string
  /** One device; without it the push goes to all of the user's devices. */
  deviceId?: string
  /** The text shown on the phone. */
  message: string
  /** Your own nonce (16–128 characters `A-Z a-z 0-9 - _`); a fresh one is generated without it. */
  nonce?: string
}

/** Options of a wait. */
export interface WaitOptions extends WaitSyncOptions {
  /**
   * Cancels the wait: the promise rejects with a `CancelledError` (`name === 'AbortError'`,
   * `cause` = the signal's reason) and polling stops. An already aborted signal rejects at once.
   */
  signal?: AbortSignal
}

/**
 * A sent push. `String(ticket)` and `JSON.stringify(ticket)` give a compact, URL-safe string
 * (`omi1.…`) that {@link PushTicket.parse} reads back, so a web app can keep it in a session
 * and wait from another request or process. It holds no secret.
 */
export declare class PushTicket {
  private constructor()
  /** The nonce to wait on. */
  readonly nonce: string
  readonly userId: string
  /** The device pushed to; absent when the push went to all of the user's devices. */
  readonly deviceId?: string
  /** Unix time in milliseconds when the push was accepted. */
  readonly sentAtMs: number
  /** Unix time in milliseconds when the server said the push expires. */
  readonly expiresAtMs?: number
  /** When the push was accepted. */
  get sentAt(): Date
  /** When the server said the push expires, if it did. */
  get expiresAt(): Date | undefined
  /** The compact string form (`omi1.…`). */
  toString(): string
  /** The compact string form, so a ticket inside JSON round-trips as a string. */
  toJSON(): string
  /** Reads a ticket's string form back; throws {@link InvalidArgumentError} if it is not one. */
  static parse(text: string): PushTicket
}

/**
 * An OMI push client. One client serves a whole application: every call shares its token
 * cache (refreshed before expiry, one refresh at a time), connection pool and rate-limit
 * state. Methods throw `TypeError` at once for arguments of the wrong type; every other
 * failure rejects with an {@link OmiError} subclass.
 */
export declare class Client {
  /** @throws {ConfigError} for options that cannot work (bad URL, missing credentials). */
  constructor(options: ClientOptions)
  /** Lists the user's enrolled devices. */
  listDevices(userId: string): Promise<Device[]>
  /** The blocking form of {@link Client.listDevices} (blocks the event loop: scripts, CLIs, workers). */
  listDevicesSync(userId: string): Device[]
  /** Sends a push to `deviceId`, or to all of the user's devices without it. Never sent twice. */
  sendPush(request: SendPushRequest): Promise<PushTicket>
  /** The blocking form of {@link Client.sendPush}. */
  sendPushSync(request: SendPushRequest): PushTicket
  /** Reads the confirmation state once. */
  confirmationStatus(nonce: string | PushTicket): Promise<Status>
  /** The blocking form of {@link Client.confirmationStatus}. */
  confirmationStatusSync(nonce: string | PushTicket): Status
  /**
   * Polls until the push is confirmed, rejected or expired, or `timeoutMs` passes (a timeout is
   * the outcome `timed_out`, not an error). The event loop keeps running meanwhile. Honours
   * `Retry-After`, retries transient failures inside the timeout.
   */
  waitForConfirmation(nonce: string | PushTicket, options?: WaitOptions): Promise<Outcome>
  /**
   * The blocking form of {@link Client.waitForConfirmation}. It BLOCKS THE EVENT LOOP (no
   * timer, I/O or other request runs) until the wait ends: for scripts, CLIs and worker
   * threads, never in a server's request handler. In a worker, `worker.terminate()` ends it
   * within about 50 ms.
   */
  waitForConfirmationSync(nonce: string | PushTicket, options?: WaitSyncOptions): Outcome
  /** `{ baseUrl, clientId, auth }`: never the secret or a token. */
  toJSON(): { baseUrl: string; clientId?: string; auth: string }
}

/** A step-up verdict. `approved` is given once per challenge. */
export type Verdict = 'pending' | 'approved' | 'rejected' | 'expired'

/** The verdicts, in the shared order. */
export declare const VERDICTS: readonly Verdict[]

/** Options of a {@link StepUp}. */
export interface StepUpOptions {
  /** Signing keys (strings as UTF-8, or bytes), each at least 32 bytes; the first signs, every one verifies. */
  keys: string | Uint8Array | Array<string | Uint8Array>
  /** Challenges older than this are `expired`, without a request. Default 300 000 (5 minutes). */
  maxAgeMs?: number
  /** Most unresolved challenges per user; over it `begin` is a {@link ThrottledError}. Default 3. */
  maxUnresolved?: number
  /** Least time between two pushes to one user. Default 10 000; 0 = none. */
  minGapMs?: number
  /** `'memory'` (default; one process) or `'redis://host:port/db'` (shared by every instance). */
  store?: string
  /** Prefix of every Redis key. Default `omi-push:stepup:`. */
  storePrefix?: string
}

/** What to push for a step-up, and to whom. */
export interface BeginRequest {
  userId: string
  /** The action being confirmed: 1 to 64 of `A-Z a-z 0-9 . _ : -`, e.g. `payment-method.change`. */
  action: string
  /** One device (from {@link StepUp.devices}); without it the push goes to all of the user's devices. */
  deviceId?: string
  /** The text shown on the phone. */
  message: string
}

/** Whom a check is for: the user and action of the current request. */
export interface CheckOptions {
  userId: string
  action: string
}

/** Options of a blocking step-up wait. */
export interface StepUpWaitSyncOptions extends CheckOptions, WaitSyncOptions {}

/** Options of a step-up wait. */
export interface StepUpWaitOptions extends StepUpWaitSyncOptions {
  /** Cancels the wait: it rejects with a {@link CancelledError} and polling stops. */
  signal?: AbortSignal
}

/**
 * A begun step-up. `text` is the signed challenge string: no secret, safe in a cookie, a form
 * or a URL. `String(challenge)` and `JSON.stringify(challenge)` give `text`.
 */
export declare class Challenge {
  private constructor()
  readonly text: string
  readonly userId: string
  readonly action: string
  readonly deviceId?: string
  /** The nonce of the push. */
  readonly nonce: string
  /** Unix milliseconds. */
  readonly issuedAtMs: number
  readonly expiresAtMs: number
  get issuedAt(): Date
  get expiresAt(): Date
  toString(): string
  toJSON(): string
}

/**
 * Step-up challenges on a {@link Client}: signed, bound to the user and the action, fresh, and
 * approved once. Tampered, mismatched and too-old challenges are refused before any request;
 * pushes per user are throttled; a store that is down fails closed.
 */
export declare class StepUp {
  /** @throws {ConfigError} for a key shorter than 32 bytes or options that cannot work. */
  constructor(client: Client, options: StepUpOptions)
  /** The user's devices, for a picker. */
  devices(userId: string): Promise<Device[]>
  devicesSync(userId: string): Device[]
  /** Sends the push and returns the challenge; over the throttle a {@link ThrottledError}, nothing sent. */
  begin(request: BeginRequest): Promise<Challenge>
  beginSync(request: BeginRequest): Challenge
  /** One poll. */
  check(challenge: string | Challenge, options: CheckOptions): Promise<Verdict>
  checkSync(challenge: string | Challenge, options: CheckOptions): Verdict
  /**
   * Spends an approval once, without a request (for a route guard: the status route approves
   * with `check`/`wait`, the protected route redeems). `true` the first time after an approval
   * within `maxAgeMs`; `false` when never approved or too old; {@link AlreadyUsedError} after.
   */
  redeem(challenge: string | Challenge, options: CheckOptions): Promise<boolean>
  redeemSync(challenge: string | Challenge, options: CheckOptions): boolean
  /** Waits until a final verdict, the timeout (`pending`) or the challenge's expiry (`expired`). */
  wait(challenge: string | Challenge, options: StepUpWaitOptions): Promise<Verdict>
  /** The blocking form of {@link StepUp.wait} (blocks the event loop: scripts, CLIs, workers). */
  waitSync(challenge: string | Challenge, options: StepUpWaitSyncOptions): Verdict
}

/** Options of a {@link StepUpFlow}. */
export interface StepUpFlowOptions {
  /** Where the flow's routes are mounted (default `/step-up`): starts with `/`, no trailing `/`. */
  mount?: string
  /** The text pushed to the phone and shown on the waiting page (default `Confirm this action on your phone`). */
  message?: string
  /**
   * The app's own page template around every page of the flow: HTML with `{{content}}`, and
   * optionally `{{title}}`, `{{head}}` (inside `<head>`: the no-script refresh) and `{{style}}`
   * (the built-in CSS). A `ConfigError` without `{{content}}`.
   */
  layout?: string
}

/** An answer of the flow for the framework to send. */
export interface FlowResponse {
  status: number
  contentType: string
  body: string
  /** The `Location` header (with 303). */
  location?: string
  /** The flow's new session value to keep (`''` = remove it); absent = unchanged. */
  session?: string
  /** Headers to set on the response, every one (`Cache-Control: no-store`, `X-Frame-Options: DENY`, …). */
  headers: Record<string, string>
}

/** What {@link StepUpFlow.guard} needs to know about the request. */
export interface GuardOptions {
  /** The action the route needs a fresh approval for, e.g. `change-payment-method`. */
  action: string
  /** The signed-in user; absent = nobody (401). */
  userId?: string
  /** The flow's value in the session (as it last came from a guard or a {@link FlowResponse}). */
  session?: string
  /** The request's local URL (path and query), to come back to. */
  url: string
  /** An API client (it gets 401 with a JSON body instead of a redirect). */
  wantsJson?: boolean
}

/** The guard's decision: go on (and keep `session`), or send `response` instead. */
export type GuardResult = { allow: true; session: string } | { allow: false; response: FlowResponse }

/** One request to the flow's routes. */
export interface FlowRequest {
  /** `GET` or `POST`. */
  method: string
  /** The path below the mount point: `/start`, `/wait` or `/status`. */
  route: string
  /** Query and form parameters (form values win). */
  params?: Record<string, string>
  userId?: string
  session?: string
}

/**
 * The web step-up flow on a {@link StepUp}, for any framework: `guard` on a protected route
 * (a fresh approval of this user for this action goes through once; otherwise a redirect to
 * the start or the waiting page, or 401 JSON for an API client), `handle` for the flow's routes
 * (`/start`: device picker or push, `/wait`: "check your phone", `/status`: one poll as JSON).
 * The pages are the core's; the adapter keeps the `session` value in the framework's session
 * or a cookie. See `omi-push/express` for Express.
 */
export declare class StepUpFlow {
  /** @throws {ConfigError} for a bad mount point. */
  constructor(stepUp: StepUp, options?: StepUpFlowOptions)
  readonly mount: string
  guard(options: GuardOptions): Promise<GuardResult>
  guardSync(options: GuardOptions): GuardResult
  handle(request: FlowRequest): Promise<FlowResponse>
  handleSync(request: FlowRequest): FlowResponse
}

/** A fresh nonce: 144 bits from the OS random generator, base64url (24 characters). */
export declare function generateNonce(): string

/** The error kinds of the core, as in {@link OmiError.kind} (the order of `omi_push_ffi::KINDS`). */
export type ErrorKind =
  | 'invalid_argument'
  | 'config'
  | 'authentication'
  | 'permission_denied'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  | 'transport'
  | 'protocol'
  | 'cancelled'
  | 'internal'
  | 'invalid_challenge'
  | 'challenge_mismatch'
  | 'already_used'
  | 'throttled'
  | 'store_unavailable'

/**
 * Base class of every error of this package (bad argument types throw `TypeError` instead).
 * Match on `code` (stable) or `instanceof`, never on the message. Every field is the core's
 * own value (its error record); a field the error does not carry is absent.
 */
export declare class OmiError extends Error {
  /** Stable code, e.g. `OMI_RATE_LIMITED`; `OMI_INTERNAL` for a bug caught at the native boundary. */
  readonly code: string
  /** The core's error kind, e.g. `rate_limited`. */
  readonly kind: ErrorKind | (string & {})
  /** True when the same call may succeed later (rate limits, 5xx, transport failures). */
  readonly retryable: boolean
  /** HTTP status, when the server answered. */
  readonly status?: number
  /** The server's own error code (`error` / `error_code`), e.g. `invalid_client`, when it sent one. */
  readonly serverCode?: string
  /** The server's request id, when it sent one. */
  readonly requestId?: string
  /** How long to wait before trying again (`Retry-After`, or the step-up throttle), in milliseconds. */
  readonly retryAfterMs?: number
  /** The OAuth scope the refused call needs (`permission_denied`). */
  readonly missingScope?: string
  /** The refused argument by its core name (`user_id`, `message`, `nonce`, `timeout`…), or the mismatched claim (`user`, `action`). */
  readonly field?: string
  /** Why the argument or challenge was refused. */
  readonly reason?: string
  /** A transport failure before the connection was made. */
  readonly connect: boolean
  /** A transport failure that timed out. */
  readonly timeout: boolean
}

/** A caller-supplied value was refused before any I/O (`OMI_INVALID_ARGUMENT`). */
export declare class InvalidArgumentError extends OmiError {
  readonly code: 'OMI_INVALID_ARGUMENT'
  readonly field: string
}
/** The options cannot work: bad URL, missing credentials… (`OMI_CONFIG`). */
export declare class ConfigError extends OmiError {
  readonly code: 'OMI_CONFIG'
}
/** The token endpoint refused the client, or a fresh token was still refused (`OMI_AUTHENTICATION`). */
export declare class AuthenticationError extends OmiError {
  readonly code: 'OMI_AUTHENTICATION'
}
/** The token lacks the scope this call needs (`OMI_PERMISSION_DENIED`, HTTP 403). */
export declare class PermissionDeniedError extends OmiError {
  readonly code: 'OMI_PERMISSION_DENIED'
  readonly missingScope: string
}
/** Unknown user, device or nonce (`OMI_NOT_FOUND`, HTTP 404). */
export declare class NotFoundError extends OmiError {
  readonly code: 'OMI_NOT_FOUND'
}
/** Slow down (`OMI_RATE_LIMITED`, HTTP 429, or 503 with Retry-After). */
export declare class RateLimitedError extends OmiError {
  readonly code: 'OMI_RATE_LIMITED'
}
/** Any other error status from the server (`OMI_SERVER`). */
export declare class ServerError extends OmiError {
  readonly code: 'OMI_SERVER'
}
/** The request did not complete: connection refused or dropped, DNS, TLS, timeout (`OMI_TRANSPORT`). */
export declare class TransportError extends OmiError {
  readonly code: 'OMI_TRANSPORT'
}
/** The server answered something this client cannot read (`OMI_PROTOCOL`). */
export declare class ProtocolError extends OmiError {
  readonly code: 'OMI_PROTOCOL'
}
/** A wait was cancelled by its `AbortSignal` (`OMI_CANCELLED`); its `name` is `'AbortError'`. */
export declare class CancelledError extends OmiError {
  readonly code: 'OMI_CANCELLED'
  readonly name: 'AbortError'
}
/** A bug: a panic inside omi-push, caught before it could end the process (`OMI_INTERNAL`). */
export declare class InternalError extends OmiError {
  readonly code: 'OMI_INTERNAL'
}
/** A step-up challenge that is garbled, tampered with or signed by another key (`OMI_INVALID_CHALLENGE`). */
export declare class InvalidChallengeError extends OmiError {
  readonly code: 'OMI_INVALID_CHALLENGE'
}
/** A valid challenge presented for another user or action than its own (`OMI_CHALLENGE_MISMATCH`); `field` names which. */
export declare class ChallengeMismatchError extends OmiError {
  readonly code: 'OMI_CHALLENGE_MISMATCH'
}
/** The challenge was already approved once (`OMI_ALREADY_USED`). */
export declare class AlreadyUsedError extends OmiError {
  readonly code: 'OMI_ALREADY_USED'
}
/** The per-user push throttle refused a new step-up; nothing was sent (`OMI_THROTTLED`). */
export declare class ThrottledError extends OmiError {
  readonly code: 'OMI_THROTTLED'
}
/** The step-up store (Redis) cannot be reached; the step-up fails closed (`OMI_STORE_UNAVAILABLE`). */
export declare class StoreUnavailableError extends OmiError {
  readonly code: 'OMI_STORE_UNAVAILABLE'
}
