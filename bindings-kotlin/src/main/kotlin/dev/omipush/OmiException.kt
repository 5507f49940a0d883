package dev.omipush

import dev.omipush.ffi.InternalException
import dev.omipush.ffi.NativeException
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * Every failure of omi-push: one subclass per error kind of the core. Outcomes (confirmed,
 * rejected, expired, timed out) are not exceptions but [Outcome]s. Unchecked, so Java callers
 * catch it where they like. No message ever holds the client secret or a token.
 */
sealed class OmiException(
    message: String,
    /** Stable snake_case kind shared by every binding, e.g. `rate_limited`. */
    val kind: String,
    /** True when the same call may succeed later (rate limits, 5xx, transport failures). */
    val isRetryable: Boolean,
    /** HTTP status, when the server answered. */
    open val status: Int? = null,
    /** Error code from the server's body, when it sent one. */
    open val code: String? = null,
    /** The server's request id, when it sent one. */
    val requestId: String? = null,
    cause: Throwable? = null,
) : RuntimeException(message, cause) {

    /** A caller-supplied value was refused before any I/O. [field] is the argument's snake_case name. */
    class InvalidArgument(message: String, val field: String, val reason: String) :
        OmiException(message, "invalid_argument", false)

    /** The configuration cannot work (bad URL, missing credentials, blocking call on a runtime thread). */
    class Config(message: String) : OmiException(message, "config", false)

    /** The token endpoint refused the client, or a fresh token was still refused (401). */
    class Authentication(message: String, status: Int?, code: String?, requestId: String?) :
        OmiException(message, "authentication", false, status, code, requestId)

    /** The token lacks the [scope] this call needs (403). */
    class PermissionDenied(message: String, val scope: String, requestId: String?) :
        OmiException(message, "permission_denied", false, 403, null, requestId)

    /** Unknown user, device or nonce (404). */
    class NotFound(message: String, code: String?, requestId: String?) :
        OmiException(message, "not_found", false, 404, code, requestId)

    /** 429 (or 503 with Retry-After): slow down. */
    class RateLimited(message: String, override val status: Int, retryAfterMillis: Long?, requestId: String?) :
        OmiException(message, "rate_limited", true, status, null, requestId) {
        /** How long the server asked to wait, if it said. */
        val retryAfter: Duration? = retryAfterMillis?.milliseconds

        /** [retryAfter] in milliseconds (for Java). */
        val retryAfterMillis: Long? = retryAfterMillis
    }

    /** Any other error status from the server. */
    class Server(message: String, override val status: Int, code: String?, requestId: String?, retryable: Boolean) :
        OmiException(message, "server", retryable, status, code, requestId)

    /** The request did not complete: connection refused or dropped, DNS, TLS, timeout. */
    class Transport(message: String, val isConnect: Boolean, val isTimeout: Boolean) :
        OmiException(message, "transport", true)

    /** The server answered something this client cannot read (or an internal error). */
    class Protocol(message: String, requestId: String?, cause: Throwable? = null) :
        OmiException(message, "protocol", false, null, null, requestId, cause)

    /** The call was cancelled. */
    class Cancelled(message: String) : OmiException(message, "cancelled", false)
}

/** The one place where errors of the native layer become [OmiException]s. */
internal fun NativeException.toOmi(): OmiException = when (this) {
    is NativeException.Failure -> when (kind) {
        "invalid_argument" -> OmiException.InvalidArgument(text, field ?: "", reason ?: text)
        "config" -> OmiException.Config(text)
        "authentication" -> OmiException.Authentication(text, status, code, requestId)
        "permission_denied" -> OmiException.PermissionDenied(text, scope ?: "", requestId)
        "not_found" -> OmiException.NotFound(text, code, requestId)
        "rate_limited" -> OmiException.RateLimited(text, status ?: 429, retryAfterMs, requestId)
        "server" -> OmiException.Server(text, status ?: 0, code, requestId, retryable)
        "transport" -> OmiException.Transport(text, connect, timeout)
        "cancelled" -> OmiException.Cancelled(text)
        else -> OmiException.Protocol(text, requestId)
    }
}

/**
 * Runs one call into the native layer and converts its failures. A Rust panic arrives as
 * uniffi's [InternalException] (uniffi catches it at the boundary) and becomes a
 * [OmiException.Protocol], like a panicked task in the core.
 */
internal inline fun <T> native(block: () -> T): T = try {
    block()
} catch (e: NativeException) {
    throw e.toOmi()
} catch (e: InternalException) {
    throw OmiException.Protocol("internal error in omi-push; please report it: ${e.message}", null, e)
}
