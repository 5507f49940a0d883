// The drop-in step-up for Express: a guard on the sensitive route, the flow's pages mounted.
import express from 'express'
import { StepUp } from 'omi-push'
import { expressStepUp } from 'omi-push/express'

export function guardedApp(stepUp: StepUp): express.Express {
  const app = express()
  // #region readme-express-guard
  // How the app knows its user (here a header; in a real app your session or auth library).
  const confirm = expressStepUp(stepUp, {
    user: (req) => req.get('x-user-id'),
    message: 'Confirm the change of your payment method',
  })
  app.use(confirm.router()) // /step-up/start, /step-up/wait, /step-up/status

  app.get('/payment-method', confirm.guard('change-payment-method'), (_req, res) => {
    res.send('<h1>Change your payment method</h1>') // reached only right after an approval
  })
  // #endregion
  return app
}
