import testing from './testing.js'

export const { Simulator, SimulatorError } = testing
export default testing
