// The drop-in step-up for Fastify: the plugin (the flow's pages), a guard on the sensitive route.
import Fastify, { FastifyInstance } from 'fastify'
import { StepUp } from 'omi-push'
import fastifyStepUp from 'omi-push/fastify'

export async function guardedApp(stepUp: StepUp): Promise<FastifyInstance> {
  const app = Fastify()
  // #region readme-fastify-guard
  // How the app knows its user (here a header; in a real app your session or auth library).
  await app.register(fastifyStepUp, {
    stepUp,
    user: (request) => request.headers['x-user-id'] as string | undefined,
    message: 'Confirm the change of your payment method',
  }) // /step-up/start, /step-up/wait, /step-up/status

  app.get('/payment-method', { preHandler: app.stepUp.guard('change-payment-method') }, async (_request, reply) => {
    return reply.type('text/html').send('<h1>Change your payment method</h1>') // reached only right after an approval
  })
  // #endregion
  return app
}
