// Compile-time checks of StepUpFlow and omi-push/express (type-checked with the examples, never run).
import express from 'express'
import { FlowResponse, GuardResult, StepUp, StepUpFlow } from 'omi-push'
import { ExpressStepUp, expressStepUp } from 'omi-push/express'

export async function flowTypeTests(stepUp: StepUp): Promise<void> {
  const flow = new StepUpFlow(stepUp, { mount: '/confirm', message: 'Confirm the new card' })
  const g: GuardResult = await flow.guard({ action: 'pay', userId: 'u', url: '/pay', wantsJson: false })
  const session: string = g.allow ? g.session : (g.response.session ?? '')
  const r: FlowResponse = flow.handleSync({ method: 'GET', route: '/status', params: { action: 'pay' }, session })
  const location: string | undefined = r.location
  void location
  // @ts-expect-error the guard needs the request's URL
  await flow.guard({ action: 'pay', userId: 'u' })
  // @ts-expect-error params are strings
  flow.handleSync({ method: 'GET', route: '/start', params: { n: 1 } })

  const app = express()
  const s: ExpressStepUp = expressStepUp(stepUp, { user: (req) => req.get('x-user') })
  const fromFlow = expressStepUp(flow, { user: async () => null, cookieName: 'su' })
  app.use(s.router(), fromFlow.router())
  app.get('/payment', s.guard('change-payment-method'), (_req, res) => void res.send('ok'))
  // @ts-expect-error the current user is the one mandatory option
  expressStepUp(stepUp, {})
}
