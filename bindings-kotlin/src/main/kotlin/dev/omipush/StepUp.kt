package dev.omipush

import dev.omipush.ffi.NativeChallenge
import dev.omipush.ffi.NativeStepUp
import java.time.Instant
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlin.time.toKotlinDuration
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.future.future

/** The answer of a step-up check or wait. [APPROVED] is given once per challenge. */
enum class Verdict { PENDING, APPROVED, REJECTED, EXPIRED }

/**
 * A step-up challenge as [StepUp.begin] returns it. [text] (also `toString()`) is the signed
 * string: it carries no secret and is safe in a cookie, a form or a URL; give it back to
 * [StepUp.check] or [StepUp.wait] with the user and the action it was made for.
 */
data class Challenge(
    val text: String,
    val userId: String,
    val action: String,
    val deviceId: String?,
    val nonce: String,
    val issuedAt: Instant,
    val expiresAt: Instant,
) {
    override fun toString(): String = text
}

/**
 * Options of a [StepUp]; `null` takes the core's default. [store] is `memory` (one process,
 * the default) or a `redis://host:port/db` URL (many instances share it; consume and throttle
 * are atomic there). From Java, use [StepUpOptions.builder].
 */
data class StepUpOptions @JvmOverloads constructor(
    /** A challenge older than this is expired, without any request (default 5 minutes). */
    val maxAge: Duration? = null,
    /** Most unresolved challenges per user (default 3); over it, `begin` is [OmiException.Throttled]. */
    val maxUnresolved: Int? = null,
    /** Least time between two pushes to one user (default 10 s; zero = none). */
    val minGap: Duration? = null,
    val store: String? = null,
    /** Prefix of every Redis key (default `omi-push:stepup:`). */
    val storePrefix: String? = null,
) {
    /** The shared `StepUpOptions` record as JSON (the core checks every value). */
    @JvmSynthetic
    internal fun toNative(): String = Json.write(
        mapOf(
            "max_age_ms" to maxAge?.toMillis(),
            "max_unresolved" to maxUnresolved,
            "min_gap_ms" to minGap?.toMillis(),
            "store" to store,
            "store_prefix" to storePrefix,
        ).filterValues { it != null },
    )

    /** A builder for Java callers. */
    class Builder {
        private var o = StepUpOptions()
        fun maxAge(d: java.time.Duration) = apply { o = o.copy(maxAge = d.toKotlinDuration()) }
        fun maxUnresolved(n: Int) = apply { o = o.copy(maxUnresolved = n) }
        fun minGap(d: java.time.Duration) = apply { o = o.copy(minGap = d.toKotlinDuration()) }
        fun store(store: String) = apply { o = o.copy(store = store) }
        fun storePrefix(prefix: String) = apply { o = o.copy(storePrefix = prefix) }
        fun build(): StepUpOptions = o
    }

    companion object {
        @JvmStatic
        fun builder(): Builder = Builder()
    }
}

/**
 * Step-up confirmation: *this user may do this one action, now*. [begin] pushes to the user's
 * phone and returns a signed [Challenge] bound to the user, the action, the device and the push;
 * [check] (one poll) and [wait] verify it before any request — [OmiException.InvalidChallenge]
 * when it was edited, garbled or signed by another key, [OmiException.ChallengeMismatch] for
 * another user or action, [Verdict.EXPIRED] when older than the maximum age — and give
 * [Verdict.APPROVED] once: later calls are [OmiException.AlreadyUsed]. A per-user throttle
 * refuses to push-bomb a phone ([OmiException.Throttled], nothing sent). A store that is down
 * is [OmiException.StoreUnavailable]: the step-up fails closed, never approves.
 *
 * [keys]: signing keys of at least 32 bytes each; the first signs, every one verifies (key
 * rotation). Each operation comes as a `suspend` function, a `...Blocking` one (interrupting the
 * thread stops it with [OmiException.Cancelled]) and an `...Async` one (a [CompletableFuture];
 * cancelling it stops the work), like [OmiClient]. Thread-safe; close it when done.
 */
class StepUp(client: OmiClient, keys: List<ByteArray>, options: StepUpOptions = StepUpOptions()) : AutoCloseable {
    /** One signing key (bytes). */
    @JvmOverloads
    constructor(client: OmiClient, key: ByteArray, options: StepUpOptions = StepUpOptions()) :
        this(client, listOf(arg(key, "key")), options)

    /** One signing key (its UTF-8 bytes). */
    @JvmOverloads
    constructor(client: OmiClient, key: String, options: StepUpOptions = StepUpOptions()) :
        this(client, listOf(arg(key, "key").toByteArray(Charsets.UTF_8)), options)

    private val inner: NativeStepUp = native {
        val copies = arg(keys, "keys").map { arg(it, "keys").copyOf() }
        NativeStepUp(arg(client, "client").inner, copies, arg(options, "options").toNative())
    }
    private val closed = AtomicBoolean(false)
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("omi-push-stepup"))

    private fun stepUp(): NativeStepUp {
        check(!closed.get()) { "this StepUp is closed" }
        return inner
    }

    @JvmSynthetic
    internal fun nativeStepUp(): NativeStepUp = stepUp()

    // ---- suspend -------------------------------------------------------------------------

    /** The user's devices, for a picker; give the chosen id (or `null`, all devices) to [begin]. */
    suspend fun devices(userId: String): List<Device> =
        offNativeThreads { native { stepUp().devices(arg(userId, "user_id")) } }.map { it.toPublic() }

    /** Pushes [message] to [deviceId] (or all the user's devices) and returns the challenge. */
    suspend fun begin(userId: String, action: String, message: String, deviceId: String? = null): Challenge =
        offNativeThreads {
            native { stepUp().begin(arg(userId, "user_id"), arg(action, "action"), deviceId, arg(message, "message")) }
        }.toPublic()

    /** One poll of the challenge [challenge] (its text) for [userId] and [action]. */
    suspend fun check(challenge: String, userId: String, action: String): Verdict =
        verdict(offNativeThreads { native { stepUp().check(arg(challenge, "challenge"), arg(userId, "user_id"), arg(action, "action")) } })

    /**
     * Waits for a final verdict, at most [timeout] (then [Verdict.PENDING]) and never past the
     * challenge's expiry (then [Verdict.EXPIRED]). Cancelling the coroutine stops the polling.
     */
    suspend fun wait(
        challenge: String,
        userId: String,
        action: String,
        timeout: Duration? = null,
        pollInterval: Duration? = null,
    ): Verdict = verdict(
        offNativeThreads {
            native {
                val (c, u, a) = Triple(arg(challenge, "challenge"), arg(userId, "user_id"), arg(action, "action"))
                stepUp().wait(c, u, a, timeout?.toMillis(), pollInterval?.toMillis())
            }
        },
    )

    // ---- blocking --------------------------------------------------------------------------

    /** Blocking [devices]. */
    fun devicesBlocking(userId: String): List<Device> = blocking { devices(userId) }

    /** Blocking [begin]. */
    @JvmOverloads
    fun beginBlocking(userId: String, action: String, message: String, deviceId: String? = null): Challenge =
        blocking { begin(userId, action, message, deviceId) }

    /** Blocking [check]. */
    fun checkBlocking(challenge: String, userId: String, action: String): Verdict =
        blocking { check(challenge, userId, action) }

    /** Blocking [wait]; interrupting the thread stops it with [OmiException.Cancelled]. */
    fun waitBlocking(
        challenge: String,
        userId: String,
        action: String,
        timeout: Duration? = null,
        pollInterval: Duration? = null,
    ): Verdict = blocking { wait(challenge, userId, action, timeout, pollInterval) }

    /** Blocking [wait] (for Java); `null` takes the client's defaults. */
    @JvmOverloads
    fun waitBlocking(
        challenge: String,
        userId: String,
        action: String,
        timeout: java.time.Duration?,
        pollInterval: java.time.Duration? = null,
    ): Verdict = waitBlocking(challenge, userId, action, timeout?.toKotlinDuration(), pollInterval?.toKotlinDuration())


    // ---- CompletableFuture -----------------------------------------------------------------

    /** [devices] as a [CompletableFuture]. */
    fun devicesAsync(userId: String): CompletableFuture<List<Device>> = start { devices(userId) }

    /** [begin] as a [CompletableFuture]. */
    @JvmOverloads
    fun beginAsync(userId: String, action: String, message: String, deviceId: String? = null): CompletableFuture<Challenge> =
        start { begin(userId, action, message, deviceId) }

    /** [check] as a [CompletableFuture]. */
    fun checkAsync(challenge: String, userId: String, action: String): CompletableFuture<Verdict> =
        start { check(challenge, userId, action) }

    /** [wait] as a [CompletableFuture]; cancelling it stops the polling. */
    @JvmOverloads
    fun waitAsync(
        challenge: String,
        userId: String,
        action: String,
        timeout: java.time.Duration? = null,
        pollInterval: java.time.Duration? = null,
    ): CompletableFuture<Verdict> =
        start { wait(challenge, userId, action, timeout?.toKotlinDuration(), pollInterval?.toKotlinDuration()) }

    private fun <T> start(block: suspend CoroutineScope.() -> T): CompletableFuture<T> {
        stepUp()
        return scope.future(block = block)
    }

    /** Cancels the pending `...Async` calls and frees the native step-up. Idempotent. */
    override fun close() {
        if (closed.compareAndSet(false, true)) {
            scope.cancel()
            inner.close()
        }
    }

    override fun toString(): String = if (closed.get()) "StepUp(closed)" else "StepUp"

    private fun verdict(name: String): Verdict = Verdict.valueOf(name.uppercase())
}

@JvmSynthetic
internal fun NativeChallenge.toPublic() = Challenge(
    text = text,
    userId = userId,
    action = action,
    deviceId = deviceId,
    nonce = nonce,
    issuedAt = Instant.ofEpochMilli(issuedAtMs),
    expiresAt = Instant.ofEpochMilli(expiresAtMs),
)
