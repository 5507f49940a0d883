'use strict'
// omi-push/fastify: the web step-up flow as a Fastify plugin.
const { fastifyStepUp } = require('./lib/fastify.js')

module.exports = fastifyStepUp
module.exports.fastifyStepUp = fastifyStepUp
module.exports.default = fastifyStepUp
