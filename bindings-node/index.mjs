import omi from './index.js'

export const {
  Client,
  PushTicket,
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
} = omi
export default omi
