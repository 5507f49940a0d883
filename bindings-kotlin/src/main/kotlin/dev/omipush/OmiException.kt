package dev.omipush

import dev.omipush.ffi.InternalException
import dev.omipush.ffi.NativeException
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * Every failure of omi-push: one subclass per error kind of the core. Outcomes (confirmed,
 * rejected, expired, timed out) are not exceptions but [Outcome]s. Unchecked, so Java callers
 * catch it where they like. No message ever holds the client secret or a token.
 *
 * The fields are the core's own values (the shared error record), the same concepts as in the
 * Python and Node bindings; a field a kind does not carry is `null` (or `false`).
 */
sealed class OmiException private constructor(private val f: ErrorFields, cause: Throwable?) :
    RuntimeException(f.message, cause) {

    /** Stable snake_case kind shared by every binding, e.g. `rate_limited`. */
    val kind: String get() = f.kind

    /** The stable code of the kind, e.g. `OMI_RATE_LIMITED`. */
    val code: String get() = f.code

    /** True when the same call may succeed later (rate limits, 5xx, transport failures). */
    val retryable: Boolean get() = f.retryable

    /** HTTP status, when the server answered. */
    val status: Int? get() = f.status

    /** The server's own error code (`error` / `error_code` of its body), when it sent one. */
    val serverCode: String? get() = f.serverCode

    /** The server's request id, when it sent one. */
    val requestId: String? get() = f.requestId

    /** How long the server (or the step-up throttle) asked to wait, if it said. */
    val retryAfter: Duration? get() = f.retryAfterMs?.milliseconds

    /** [retryAfter] in whole milliseconds (for Java). */
    val retryAfterMillis: Long? get() = f.retryAfterMs?.toLong()

    /** The scope the refused call needs ([PermissionDenied]). */
    val missingScope: String? get() = f.missingScope

    /** The refused argument's snake_case name ([InvalidArgument]; the mismatched claim of [ChallengeMismatch]). */
    val field: String? get() = f.field

    /** Why the argument (or challenge) was refused. */
    val reason: String? get() = f.reason

    /** A [Transport] failure before the connection was made. */
    val connect: Boolean get() = f.connect

    /** A [Transport] failure that timed out. */
    val timeout: Boolean get() = f.timeout

    /** A caller-supplied value was refused before any I/O. */
    class InvalidArgument internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The configuration cannot work (bad URL, missing credentials, blocking call on a runtime thread). */
    class Config internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The token endpoint refused the client, or a fresh token was still refused (401). */
    class Authentication internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The token lacks the [missingScope] this call needs (403). */
    class PermissionDenied internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** Unknown user, device or nonce (404). */
    class NotFound internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** 429 (or 503 with Retry-After): slow down, for [retryAfter] if the server said. */
    class RateLimited internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** Any other error status from the server. */
    class Server internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The request did not complete: connection refused or dropped, DNS, TLS, timeout. */
    class Transport internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The server answered something this client cannot read. */
    class Protocol internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The call was cancelled. */
    class Cancelled internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** A bug inside omi-push (a panic in a native task); please report it. */
    class Internal internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** A step-up challenge that is garbled, tampered with, or signed by another key. */
    class InvalidChallenge internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** A step-up challenge issued for another user or action ([field] names which). */
    class ChallengeMismatch internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** A step-up challenge that was already approved once. */
    class AlreadyUsed internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The step-up push throttle of the user refused to send another push (nothing was sent). */
    class Throttled internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    /** The step-up store (Redis) cannot be reached; the step-up fails closed. */
    class StoreUnavailable internal constructor(f: ErrorFields, cause: Throwable? = null) : OmiException(f, cause)

    internal companion object {
        /** The class of each kind of the shared error record (`omi_push_ffi::KINDS`, checked by a test). */
        val BY_KIND: Map<String, (ErrorFields, Throwable?) -> OmiException> = mapOf(
            "invalid_argument" to ::InvalidArgument,
            "config" to ::Config,
            "authentication" to ::Authentication,
            "permission_denied" to ::PermissionDenied,
            "not_found" to ::NotFound,
            "rate_limited" to ::RateLimited,
            "server" to ::Server,
            "transport" to ::Transport,
            "protocol" to ::Protocol,
            "cancelled" to ::Cancelled,
            "internal" to ::Internal,
            "invalid_challenge" to ::InvalidChallenge,
            "challenge_mismatch" to ::ChallengeMismatch,
            "already_used" to ::AlreadyUsed,
            "throttled" to ::Throttled,
            "store_unavailable" to ::StoreUnavailable,
        )
    }
}

/** The fields of the shared error record (`omi_push_ffi::ErrorRecord`). */
internal class ErrorFields(
    val kind: String,
    val code: String,
    val message: String,
    val retryable: Boolean,
    val status: Int? = null,
    val serverCode: String? = null,
    val requestId: String? = null,
    val retryAfterMs: Double? = null,
    val missingScope: String? = null,
    val field: String? = null,
    val reason: String? = null,
    val connect: Boolean = false,
    val timeout: Boolean = false,
) {
    /** The exception of this record's kind. A kind this file does not know is a bug of the binding: internal. */
    fun toException(cause: Throwable? = null): OmiException = OmiException.BY_KIND[kind]?.invoke(this, cause)
        ?: internal("internal error in omi-push; please report it: unknown error kind `$kind`: $message", cause)

    companion object {
        /**
         * Errors raised on the JVM side with no core error behind them (a thread interrupt, a
         * panic uniffi caught): neither is retryable, as in the core.
         */
        fun cancelled(message: String) = ErrorFields("cancelled", "OMI_CANCELLED", message, retryable = false).toException()

        fun nullArgument(field: String) = ErrorFields(
            "invalid_argument",
            "OMI_INVALID_ARGUMENT",
            "invalid argument `$field`: must not be null",
            retryable = false,
            field = field,
            reason = "must not be null",
        ).toException()

        fun config(message: String) = ErrorFields("config", "OMI_CONFIG", message, retryable = false).toException()

        fun internal(message: String, cause: Throwable? = null) =
            ErrorFields("internal", "OMI_INTERNAL", message, retryable = false).let { OmiException.Internal(it, cause) }
    }
}

/**
 * The one place where errors of the native layer become [OmiException]s: the shared error
 * record arrives as its JSON (`omi_push_ffi::ErrorRecord`, snake_case names).
 */
@JvmSynthetic
internal fun NativeException.toOmi(): OmiException = when (this) {
    is NativeException.Failure -> {
        val r = runCatching { Json.read(record) }.getOrNull() as? Map<*, *>
            ?: return ErrorFields.internal("internal error in omi-push; please report it: error record `$record`", this)
        ErrorFields(
            kind = r["kind"] as? String ?: "",
            code = r["code"] as? String ?: "",
            message = r["message"] as? String ?: "",
            retryable = r["retryable"] == true,
            status = (r["status"] as? Number)?.toInt(),
            serverCode = r["server_code"] as? String,
            requestId = r["request_id"] as? String,
            retryAfterMs = (r["retry_after_ms"] as? Number)?.toDouble(),
            missingScope = r["missing_scope"] as? String,
            field = r["field"] as? String,
            reason = r["reason"] as? String,
            connect = r["connect"] == true,
            timeout = r["timeout"] == true,
        ).toException(this)
    }
}

/**
 * Runs one call into the native layer (loading it first, see [NativeLoader]) and converts its
 * failures. A Rust panic arrives as
 * uniffi's [InternalException] (uniffi catches it at the boundary) and becomes an
 * [OmiException.Internal], like a panicked task in the core.
 */
@JvmSynthetic
internal inline fun <T> native(block: () -> T): T = try {
    NativeLoader.CORE.ensureLoaded()
    block()
} catch (e: NativeException) {
    throw e.toOmi()
} catch (e: InternalException) {
    throw ErrorFields.internal("internal error in omi-push; please report it: ${e.message}", e)
}
