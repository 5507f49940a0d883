package dev.omipush

import dev.omipush.ffi.NativeDevice
import dev.omipush.ffi.NativeOutcome
import dev.omipush.ffi.NativeStatus
import dev.omipush.ffi.NativeTicket
import dev.omipush.ffi.stateIsFinal
import dev.omipush.ffi.ticketFromFields
import dev.omipush.ffi.ticketParse
import java.time.Instant
import kotlin.time.Duration
import kotlin.time.DurationUnit
import kotlin.time.toDuration

/** An enrolled device of a user, as the server describes it. */
data class Device(
    val id: String,
    val name: String?,
    val platform: String?,
    /** RFC 3339 enrolment time, as the server sent it. */
    val createdAt: String?,
    /** RFC 3339 time of last use, as the server sent it. */
    val lastUsedAt: String?,
    /** Every other field the server sent; each value is JSON text. */
    val extra: Map<String, String>,
)

/** Confirmation state of a push. */
enum class State {
    PENDING, CONFIRMED, REJECTED, EXPIRED,

    /** A value this client does not know; treated as still pending, never as confirmed. */
    UNKNOWN;

    /** True when no further change is expected (the core's rule, read once per state). */
    val isFinal: Boolean by lazy { native { stateIsFinal(name.lowercase()) } }
}

/**
 * The confirmation state of a push, as last read. [raw] is the state string the server sent;
 * [isFinal] is the core's value (when no further change is expected).
 */
data class Status @JvmOverloads constructor(val state: State, val raw: String, val isFinal: Boolean = state.isFinal)

/** How a wait ended. */
enum class OutcomeKind { CONFIRMED, REJECTED, EXPIRED, TIMED_OUT }

/**
 * The result of a wait: data, not an error. Failures (the server refused, the network broke)
 * are [OmiException]s instead.
 */
data class Outcome @JvmOverloads constructor(
    val kind: OutcomeKind,
    /** From the start of the wait to its end. */
    val elapsed: Duration,
    /** Confirmation requests sent (including failed ones). */
    val polls: Int,
    /** The last state string the server sent, as it came. */
    val lastStatus: String?,
    /** True when the push was confirmed (the core's value). */
    val isConfirmed: Boolean = kind == OutcomeKind.CONFIRMED,
) {
    /** [elapsed] in whole milliseconds (for Java). */
    val elapsedMillis: Long get() = elapsed.inWholeMilliseconds
}

/**
 * A sent push. `toString()` gives a compact, URL-safe string (`omi1.…`) that [parse] reads back,
 * so a web app can keep it in a session and wait from another request or process. It holds no
 * secret.
 */
data class PushTicket(
    val nonce: String,
    val userId: String,
    val deviceId: String?,
    /** When the server accepted the push (millisecond precision). */
    val sentAt: Instant,
    /** When the server said the push expires, if it did. */
    val expiresAt: Instant?,
) {
    private val encoded: String by lazy {
        native { ticketFromFields(nonce, userId, deviceId, sentAt.toEpochMilli(), expiresAt?.toEpochMilli()) }.text
    }

    /** The compact string form; the same as `toString()`. */
    fun encode(): String = encoded

    override fun toString(): String = encoded

    companion object {
        /** Reads the string form back; [OmiException.InvalidArgument] (field `ticket`) if it is not one. */
        @JvmStatic
        fun parse(text: String): PushTicket = native { ticketParse(text) }.toPublic()
    }
}

@JvmSynthetic
internal fun NativeTicket.toPublic() = PushTicket(
    nonce = nonce,
    userId = userId,
    deviceId = deviceId,
    sentAt = Instant.ofEpochMilli(sentAtMs),
    expiresAt = expiresAtMs?.let(Instant::ofEpochMilli),
)

@JvmSynthetic
internal fun NativeDevice.toPublic() = Device(id, name, platform, createdAt, lastUsedAt, extra.toMap())

@JvmSynthetic
internal fun NativeStatus.toPublic() = Status(State.valueOf(state.uppercase()), raw, isFinal)

@JvmSynthetic
internal fun NativeOutcome.toPublic() = Outcome(
    kind = OutcomeKind.valueOf(kind.uppercase()),
    elapsed = elapsedMs.toDuration(DurationUnit.MILLISECONDS),
    polls = polls.coerceAtMost(Int.MAX_VALUE.toUInt()).toInt(),
    lastStatus = lastStatus,
    isConfirmed = isConfirmed,
)
