'use strict'
// omi-push: confirm a sensitive action on the user's phone through the OMI push API.
const { Client, generateNonce } = require('./lib/client.js')
const { PushTicket } = require('./lib/ticket.js')
const { StepUp, Challenge, VERDICTS } = require('./lib/stepup.js')
const { StepUpFlow } = require('./lib/flow.js')
const { fromNative, fromRecord, abortError, rethrow, SimulatorError, ...errors } = require('./lib/errors.js')

module.exports = { Client, PushTicket, StepUp, StepUpFlow, Challenge, VERDICTS, generateNonce, ...errors }
