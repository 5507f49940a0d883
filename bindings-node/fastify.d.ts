/**
 * The web step-up flow as a Fastify plugin.
 *
 * ```ts
 * import fastifyStepUp from 'omi-push/fastify'
 * await app.register(fastifyStepUp, { stepUp: new StepUp(client, { keys }), user: (request) => request.session.get('user') })
 * app.get('/payment', { preHandler: app.stepUp.guard('change-payment-method') }, async () => '…')
 * app.get('/card', { config: { stepUp: 'view-card-number' } }, async () => '…')   // the same, as a route option
 * ```
 * @module
 */
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { StepUp, StepUpFlow } from './index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The step-up flow registered by `omi-push/fastify`. */
    stepUp: fastifyStepUp.FastifyStepUp
  }
  interface FastifyContextConfig {
    /** The action this route needs a fresh step-up approval for (`omi-push/fastify`). */
    stepUp?: string
  }
}

type FastifyStepUpPlugin = FastifyPluginAsync<fastifyStepUp.FastifyStepUpOptions>

declare namespace fastifyStepUp {
  /** Options of {@link fastifyStepUp}. */
  export interface FastifyStepUpOptions {
    /** The step-up (the flow is built with `mount` and `message`), or a ready `StepUpFlow`. */
    stepUp: StepUp | StepUpFlow
    /** The signed-in user's id of a request (or a promise of it); `undefined`/`null` = nobody. */
    user: (request: FastifyRequest) => string | undefined | null | Promise<string | undefined | null>
    /** Where the flow's routes are (default `/step-up`); only with a `StepUp`. */
    mount?: string
    /** The text pushed to the phone; only with a `StepUp`. */
    message?: string
    /** The cookie that keeps the flow's value when the app has no `request.session` (default `omi_step_up`). */
    cookieName?: string
    /** The key in `request.session` (@fastify/secure-session, @fastify/session) when there is one (default `omiStepUp`). */
    sessionKey?: string
  }

  /** What the plugin decorates the Fastify instance with, as `stepUp`. */
  export interface FastifyStepUp {
    readonly flow: StepUpFlow
    /**
     * A route's `preHandler` that lets the request through only with a fresh approval of the
     * current user for `action` (spent now, once); otherwise redirects the browser to the flow
     * (an API client asking for JSON gets 401 `{"error":"step_up_required",…}`).
     */
    guard(action: string): preHandlerAsyncHookHandler
  }

  /** The step-up flow for a Fastify (5) app: its routes below the mount point, and `fastify.stepUp`. */
  export const fastifyStepUp: FastifyStepUpPlugin
  export { fastifyStepUp as default }
}

/** The step-up flow for a Fastify (5) app: its routes below the mount point, and `fastify.stepUp`. */
declare function fastifyStepUp(...params: Parameters<FastifyStepUpPlugin>): ReturnType<FastifyStepUpPlugin>
export = fastifyStepUp
