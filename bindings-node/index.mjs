import omi from './index.js'

export const {
  Client,
  PushTicket,
  StepUp,
  StepUpFlow,
  Challenge,
  VERDICTS,
  generateNonce,
  OmiError,
  InvalidArgumentError,
  ConfigError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  TransportError,
  ProtocolError,
  CancelledError,
  InternalError,
  InvalidChallengeError,
  ChallengeMismatchError,
  AlreadyUsedError,
  ThrottledError,
  StoreUnavailableError,
} = omi
export default omi
