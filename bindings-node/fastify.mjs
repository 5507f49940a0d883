import fastify from './fastify.js'

export const { fastifyStepUp } = fastify
export default fastifyStepUp
