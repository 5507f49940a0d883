import testing from './testing.js'

export const { Simulator, SimulatorError, ERROR_KINDS, throwSampleError, sampleErrorRecord } = testing
export default testing
