// Handling errors by their stable code.
import { OmiError, PermissionDeniedError, RateLimitedError } from 'omi-push'

// #region readme-errors
function explain(err: unknown): string {
  if (!(err instanceof OmiError)) throw err
  switch (err.code) {
    case 'OMI_RATE_LIMITED':
      return `slow down, retry in ${(err as RateLimitedError).retryAfterMs ?? 1000} ms`
    case 'OMI_PERMISSION_DENIED':
      return `the API client lacks the scope ${(err as PermissionDeniedError).missingScope}`
    case 'OMI_NOT_FOUND':
      return 'unknown user, device or push'
    case 'OMI_AUTHENTICATION':
      return 'check the client id and secret'
    default:
      return err.retryable ? `temporary failure (${err.code}), try again` : `failed: ${err.message}`
  }
}
// #endregion

export { explain }
