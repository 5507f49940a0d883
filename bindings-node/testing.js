'use strict'
// omi-push/testing: the in-process OMI simulator for your own tests.
const { Simulator } = require('./lib/testing.js')
const { SimulatorError } = require('./lib/errors.js')

module.exports = { Simulator, SimulatorError }
