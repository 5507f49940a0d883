// Compile-time checks of omi-push/fastify (type-checked with the examples, never run).
import Fastify, { preHandlerAsyncHookHandler } from 'fastify'
import secureSession from '@fastify/secure-session'
import { StepUp, StepUpFlow } from 'omi-push'
import fastifyStepUp, { FastifyStepUp, FastifyStepUpOptions } from 'omi-push/fastify'
import { fastifyStepUp as named } from 'omi-push/fastify'

export async function fastifyTypeTests(stepUp: StepUp): Promise<void> {
  const app = Fastify()
  await app.register(secureSession, { key: Buffer.alloc(32), cookie: { path: '/' } })
  const options: FastifyStepUpOptions = { stepUp, user: (request) => request.session.get('user') as string | undefined }
  await app.register(fastifyStepUp, options)
  const s: FastifyStepUp = app.stepUp
  const flow: StepUpFlow = s.flow
  const guard: preHandlerAsyncHookHandler = app.stepUp.guard('change-payment-method')
  app.get('/payment', { preHandler: guard }, async () => 'ok')
  app.get('/card', { preHandler: [guard, app.stepUp.guard('view-card-number')] }, async () => 'ok')
  app.get('/option', { config: { stepUp: 'change-payment-method' } }, async () => 'ok')
  await Fastify().register(named, { stepUp: flow, user: async () => null, cookieName: 'su', sessionKey: 'k' })
  // @ts-expect-error the current user is the one mandatory option
  await Fastify().register(fastifyStepUp, { stepUp })
  // @ts-expect-error the user callable returns a user id
  await Fastify().register(fastifyStepUp, { stepUp, user: () => 42 })
  // @ts-expect-error the route option is the action's name
  app.get('/bad', { config: { stepUp: true } }, async () => 'ok')
}
