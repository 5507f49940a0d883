package dev.omipush

import dev.omipush.ffi.FfiConverter
import dev.omipush.ffi.FfiConverterOptionalDouble
import dev.omipush.ffi.FfiConverterOptionalString
import dev.omipush.ffi.FfiConverterSequenceTypeNativeDevice
import dev.omipush.ffi.FfiConverterString
import dev.omipush.ffi.FfiConverterTypeNativeOutcome
import dev.omipush.ffi.FfiConverterTypeNativeStatus
import dev.omipush.ffi.FfiConverterTypeNativeTicket
import dev.omipush.ffi.NativeClient
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

/**
 * An OMI push client: list a user's devices, send a push, read or wait for the confirmation.
 *
 * Every operation comes in three forms that share one native runtime, one token cache and one
 * connection pool:
 * - `suspend` functions for coroutines (Ktor, Spring WebFlux): cancelling the coroutine stops
 *   the request or the polling at once;
 * - `...Blocking` functions for plain threads (Spring MVC, servlets, Java);
 * - `...Async` functions returning a [CompletableFuture] for Java callers; cancelling the
 *   future stops the work.
 *
 * Thread-safe; make one per configuration and share it. Close it when done.
 */
class OmiClient(config: OmiConfig) : AutoCloseable {
    private val baseUrl = arg(config, "config").baseUrl
    private val clientId = config.clientId
    @get:JvmSynthetic
    internal val inner: NativeClient = native {
        NativeClient(config.toNative(), config.clientSecret, config.accessToken, EventSink.of(config.eventListener))
    }
    private val closed = AtomicBoolean(false)
    /** This client's id on the completion path ([FastPath]). */
    @get:JvmSynthetic
    internal val fastId: Long = inner.fastId()

    /** Runs the `...Async` forms; cancelled by [close]. */
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("omi-push"))

    private fun client(): NativeClient {
        check(!closed.get()) { "this OmiClient is closed" }
        return inner
    }

    // ---- suspend -------------------------------------------------------------------------

    /** Lists the user's enrolled devices. */
    suspend fun listDevices(userId: String): List<Device> =
        call(FastPath.LIST_DEVICES, arg(userId, "user_id")).map { it.toPublic() }

    /**
     * Sends a push to one device, or to all of the user's devices when [deviceId] is `null`.
     * Without a [nonce], a fresh one is generated. The request is never sent twice.
     */
    suspend fun sendPush(userId: String, message: String, deviceId: String? = null, nonce: String? = null): PushTicket =
        call(FastPath.SEND_PUSH, arg(userId, "user_id"), deviceId, arg(message, "message"), nonce).toPublic()

    /** Reads the confirmation state once. */
    suspend fun confirmationStatus(nonce: String): Status =
        call(FastPath.CONFIRMATION_STATUS, arg(nonce, "nonce")).toPublic()

    /**
     * Polls until the push is confirmed, rejected or expired, or [timeout] passes (then the
     * outcome is [OutcomeKind.TIMED_OUT]). `null` takes the configured defaults. Cancellable:
     * cancelling the coroutine (or `withTimeout`) stops the polling at once.
     */
    suspend fun waitForConfirmation(nonce: String, timeout: Duration? = null, pollInterval: Duration? = null): Outcome =
        call(FastPath.WAIT, arg(nonce, "nonce"), timeout?.toMillis(), pollInterval?.toMillis()).toPublic()

    /**
     * The suspend functions go through [FastPath] (one native call to start, one callback with
     * the result), which is much cheaper per call than uniffi's generated async functions.
     */
    private suspend fun <T> call(op: FastPath.Op<T>, vararg values: Any?): T {
        client()
        return offNativeThreads { FastPath.call(fastId, op, *values) }
    }

    /** [waitForConfirmation] for a [ticket]. */
    suspend fun waitForConfirmation(ticket: PushTicket, timeout: Duration? = null, pollInterval: Duration? = null): Outcome =
        waitForConfirmation(arg(ticket, "ticket").nonce, timeout, pollInterval)

    // ---- blocking --------------------------------------------------------------------------

    /** Blocking [listDevices]. */
    @Throws(OmiException::class)
    fun listDevicesBlocking(userId: String): List<Device> =
        blocking { listDevices(userId) }

    /** Blocking [sendPush]. */
    @JvmOverloads
    @Throws(OmiException::class)
    fun sendPushBlocking(userId: String, message: String, deviceId: String? = null, nonce: String? = null): PushTicket =
        blocking { sendPush(userId, message, deviceId, nonce) }

    /** Blocking [confirmationStatus]. */
    @Throws(OmiException::class)
    fun confirmationStatusBlocking(nonce: String): Status =
        blocking { confirmationStatus(nonce) }

    /**
     * Blocking [waitForConfirmation]; blocks the calling thread until the outcome. Interrupting
     * the thread stops the wait with [OmiException.Cancelled] (the interrupt flag stays set).
     * Without a timeout, use the one-argument form (the configured defaults).
     */
    fun waitForConfirmationBlocking(nonce: String, timeout: Duration, pollInterval: Duration? = null): Outcome =
        waitBlocking(nonce, timeout.toMillis(), pollInterval?.toMillis())

    /** Blocking [waitForConfirmation] for a [ticket]. */
    fun waitForConfirmationBlocking(ticket: PushTicket, timeout: Duration, pollInterval: Duration? = null): Outcome =
        waitBlocking(arg(ticket, "ticket").nonce, timeout.toMillis(), pollInterval?.toMillis())

    /** Blocking wait with the configured timeout and poll interval. */
    @Throws(OmiException::class)
    fun waitForConfirmationBlocking(nonce: String): Outcome = waitBlocking(nonce, null, null)

    /** Blocking wait for a [ticket] with the configured timeout and poll interval. */
    @Throws(OmiException::class)
    fun waitForConfirmationBlocking(ticket: PushTicket): Outcome = waitBlocking(arg(ticket, "ticket").nonce, null, null)

    /**
     * Blocking wait with `java.time` durations (for Java); a `null` value takes the configured
     * default. From Kotlin, `waitForConfirmationBlocking(nonce, null)` means this form.
     */
    @JvmOverloads
    @Throws(OmiException::class)
    fun waitForConfirmationBlocking(
        nonce: String,
        timeout: java.time.Duration?,
        pollInterval: java.time.Duration? = null,
    ): Outcome = waitBlocking(nonce, timeout?.toKotlinDuration()?.toMillis(), pollInterval?.toKotlinDuration()?.toMillis())

    /** [waitForConfirmationBlocking] with `java.time` durations for a [ticket]. */
    @JvmOverloads
    @Throws(OmiException::class)
    fun waitForConfirmationBlocking(
        ticket: PushTicket,
        timeout: java.time.Duration?,
        pollInterval: java.time.Duration? = null,
    ): Outcome = waitForConfirmationBlocking(arg(ticket, "ticket").nonce, timeout, pollInterval)

    private fun waitBlocking(nonce: String, timeoutMs: Double?, pollIntervalMs: Double?): Outcome =
        blocking { call(FastPath.WAIT, arg(nonce, "nonce"), timeoutMs, pollIntervalMs).toPublic() }


    // ---- CompletableFuture -----------------------------------------------------------------

    /** [listDevices] as a [CompletableFuture]. */
    fun listDevicesAsync(userId: String): CompletableFuture<List<Device>> =
        start { listDevices(userId) }

    /** [sendPush] as a [CompletableFuture]. */
    @JvmOverloads
    fun sendPushAsync(
        userId: String,
        message: String,
        deviceId: String? = null,
        nonce: String? = null,
    ): CompletableFuture<PushTicket> = start { sendPush(userId, message, deviceId, nonce) }

    /** [confirmationStatus] as a [CompletableFuture]. */
    fun confirmationStatusAsync(nonce: String): CompletableFuture<Status> =
        start { confirmationStatus(nonce) }

    /**
     * [waitForConfirmation] as a [CompletableFuture]; `null` values take the configured
     * defaults. Cancelling the future stops the polling.
     */
    @JvmOverloads
    fun waitForConfirmationAsync(
        nonce: String,
        timeout: java.time.Duration? = null,
        pollInterval: java.time.Duration? = null,
    ): CompletableFuture<Outcome> =
        start { waitForConfirmation(nonce, timeout?.toKotlinDuration(), pollInterval?.toKotlinDuration()) }

    /** [waitForConfirmationAsync] for a [ticket]. */
    @JvmOverloads
    fun waitForConfirmationAsync(
        ticket: PushTicket,
        timeout: java.time.Duration? = null,
        pollInterval: java.time.Duration? = null,
    ): CompletableFuture<Outcome> =
        start { waitForConfirmation(arg(ticket, "ticket").nonce, timeout?.toKotlinDuration(), pollInterval?.toKotlinDuration()) }

    private fun <T> start(block: suspend CoroutineScope.() -> T): CompletableFuture<T> {
        client()
        return scope.future(block = block)
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Cancels the pending `...Async` calls and frees the native client once no call uses it.
     * Later calls throw [IllegalStateException]. Idempotent.
     */
    override fun close() {
        if (closed.compareAndSet(false, true)) {
            scope.cancel()
            inner.close()
        }
    }


    override fun toString(): String = buildString {
        append("OmiClient(baseUrl=").append(baseUrl)
        if (clientId != null) append(", clientId=").append(clientId) else append(", static token")
        if (closed.get()) append(", closed")
        append(")")
    }
}
