'use strict'
// omi-push/testing: the in-process OMI simulator for your own tests, and the error probe.
const { Simulator, ERROR_KINDS, throwSampleError, sampleErrorRecord } = require('./lib/testing.js')
const { SimulatorError } = require('./lib/errors.js')

module.exports = { Simulator, SimulatorError, ERROR_KINDS, throwSampleError, sampleErrorRecord }
