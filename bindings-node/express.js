'use strict'
// omi-push/express: the web step-up flow as Express middleware.
const { expressStepUp } = require('./lib/express.js')

module.exports = { expressStepUp }
