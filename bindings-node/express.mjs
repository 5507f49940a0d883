import express from './express.js'

export const { expressStepUp } = express
export default express
