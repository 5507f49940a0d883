/**
 * The web step-up flow as Express middleware.
 *
 * ```ts
 * import { expressStepUp } from 'omi-push/express'
 * const stepUp = expressStepUp(new StepUp(client, { keys }), { user: (req) => req.session.userId })
 * app.use(stepUp.router())                                       // the picker, waiting page, status
 * app.get('/payment', stepUp.guard('change-payment-method'), (req, res) => { … })
 * ```
 * @module
 */
import type { Request, RequestHandler } from 'express'
import type { StepUp, StepUpFlow } from './index.js'

/** Options of {@link expressStepUp}. */
export interface ExpressStepUpOptions {
  /** The signed-in user's id of a request (or a promise of it); `undefined`/`null` = nobody. */
  user: (req: Request) => string | undefined | null | Promise<string | undefined | null>
  /** Where the flow's routes are (default `/step-up`); only with a `StepUp`. */
  mount?: string
  /** The text pushed to the phone; only with a `StepUp`. */
  message?: string
  /** The cookie that keeps the flow's value when the app has no `req.session` (default `omi_step_up`). */
  cookieName?: string
  /** The key in `req.session` (express-session, cookie-session) when there is one (default `omiStepUp`). */
  sessionKey?: string
}

/** The middleware of one step-up flow. */
export interface ExpressStepUp {
  readonly flow: StepUpFlow
  /**
   * Lets the request through only with a fresh approval of the current user for `action`
   * (spent now, once); otherwise redirects the browser to the flow (an API client asking for
   * JSON gets 401 `{"error":"step_up_required",…}`).
   */
  guard(action: string): RequestHandler
  /** The flow's routes below its mount point (start, device picker, waiting page, status); use at the app's root. */
  router(): RequestHandler
}

/** The step-up flow for an Express app (4 or 5), on a `StepUp` or a ready `StepUpFlow`. */
export declare function expressStepUp(stepUp: StepUp | StepUpFlow, options: ExpressStepUpOptions): ExpressStepUp
