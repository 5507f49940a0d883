package dev.omipush.testing

import dev.omipush.OmiConfig
import dev.omipush.ffi.InternalException
import dev.omipush.ffi.NativeFault
import dev.omipush.ffi.NativeSimDevice
import dev.omipush.ffi.NativeSimException
import dev.omipush.ffi.NativeSimulator
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration

/** A simulator call failed (bad seed JSON, unknown nonce, push not pending, failed step). */
class SimulatorException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/** A device of a simulated user. */
data class SimDevice @JvmOverloads constructor(
    val id: String,
    val name: String? = null,
    val platform: String? = null,
)

/**
 * A fault injected into the simulator (see the simulator's README, "Faults"): requests of
 * [route] (a route name, `"omi"` or `"*"`) wait [latencyMillis], then are dropped ([drop]),
 * answered with [status] (and `Retry-After: retryAfterSeconds`), or answered with a body that is
 * not JSON ([malformed]). The first [skip] matching requests pass; then [times] are hit
 * (`null` = all).
 */
data class Fault @JvmOverloads constructor(
    val route: String = "*",
    val status: Int? = null,
    val retryAfterSeconds: Long? = null,
    val latencyMillis: Long = 0,
    val drop: Boolean = false,
    val malformed: Boolean = false,
    val skip: Long = 0,
    val times: Long? = null,
)

/** One request the simulator received (never headers or bodies). */
data class LogEntry(
    val seq: Long,
    /** `token`, `devices`, `push_device`, `push_all` or `confirmation`. */
    val route: String,
    val method: String,
    /** The raw, still percent-encoded path. */
    val path: String,
    val query: String?,
    /** The response status; 0 for a dropped connection or one still in flight. */
    val status: Int,
    /** Milliseconds since the simulator started, when the request arrived. */
    val timeMillis: Double,
)

/** A push the simulator holds. [status] is `PENDING`, `CONFIRMED`, `REJECTED`, `EXPIRED` or custom. */
data class SimPush(
    val nonce: String,
    val userId: String,
    val deviceIds: List<String>,
    val message: String,
    val status: String,
    val createdMillis: Double,
)

/** What the simulated phone does with new pushes by itself. */
enum class AutoAction { APPROVE, REJECT }

/**
 * The embedded OMI push simulator, for integration tests: a real HTTP server on a free loopback
 * port with the OMI routes, the OAuth token endpoint, a virtual phone page and control routes.
 *
 * ```kotlin
 * Simulator.start().use { sim ->
 *     OmiClient(sim.clientConfig()).use { client -> ... }
 * }
 * ```
 */
class Simulator private constructor(private val inner: NativeSimulator) : AutoCloseable {
    private val closed = AtomicBoolean(false)

    /** `http://127.0.0.1:PORT`. */
    val baseUrl: String = inner.baseUrl()
    val tokenUrl: String = inner.tokenUrl()
    val clientId: String = inner.clientId()

    /** The client secret the token endpoint accepts (random per start unless configured). */
    val clientSecret: String = inner.clientSecret()

    /** A client configuration for this simulator. */
    fun clientConfig(): OmiConfig = OmiConfig(baseUrl = baseUrl, clientId = clientId, clientSecret = clientSecret)

    /** The virtual phone page of a device, for a browser. */
    fun phoneUrl(deviceId: String): String = inner.phoneUrl(deviceId)

    /** Adds a user (replacing one with the same id). */
    @JvmOverloads
    fun addUser(userId: String, devices: List<SimDevice> = emptyList()) = sim {
        inner.addUser(userId, devices.map { NativeSimDevice(it.id, it.name, it.platform) })
    }

    /** Adds a device to a user (replacing one with the same id). */
    fun addDevice(userId: String, device: SimDevice) = sim {
        inner.addDevice(userId, NativeSimDevice(device.id, device.name, device.platform))
    }

    /** The phone approves the push now. */
    fun approve(nonce: String) = sim { inner.approve(nonce) }

    /** The phone rejects the push now. */
    fun reject(nonce: String) = sim { inner.reject(nonce) }

    /** The push expires now. */
    fun expire(nonce: String) = sim { inner.expire(nonce) }

    /** Sets any state string (for unknown-state tests). */
    fun setState(nonce: String, state: String) = sim { inner.setState(nonce, state) }

    /** Every push, oldest first. */
    fun pushes(): List<SimPush> = sim {
        inner.pushes().map { SimPush(it.nonce, it.userId, it.deviceIds, it.message, it.status, it.createdMs) }
    }

    fun addFault(fault: Fault) = sim {
        inner.addFault(
            NativeFault(
                route = fault.route,
                status = fault.status,
                retryAfterS = fault.retryAfterSeconds,
                latencyMs = fault.latencyMillis,
                drop = fault.drop,
                malformed = fault.malformed,
                skip = fault.skip,
                times = fault.times,
            ),
        )
    }

    fun clearFaults() = sim { inner.clearFaults() }

    /** Every token issued so far is refused from now on. */
    fun revokeTokens() = sim { inner.revokeTokens() }

    /** Answers every new push by itself after [delayMillis]; `null` turns it off. */
    @JvmOverloads
    fun setAutoRespond(action: AutoAction?, delayMillis: Long = 2000) = sim {
        inner.setAutoRespond(action?.let { it == AutoAction.APPROVE }, delayMillis)
    }

    /** [setAutoRespond] with a Kotlin [Duration]. */
    fun setAutoRespond(action: AutoAction?, delay: Duration) = setAutoRespond(action, delay.inWholeMilliseconds)

    /** The OMI and token requests so far, oldest first. */
    fun requestLog(): List<LogEntry> = sim {
        inner.requestLog().map { LogEntry(it.seq, it.route, it.method, it.path, it.query, it.status, it.tMs) }
    }

    fun clearLog() = sim { inner.clearLog() }

    /** Logged requests of [route] (or `"*"`) with [method]. */
    fun count(route: String, method: String): Int = sim { inner.count(route, method).toInt() }

    /** Runs one simulator-side conformance step given as JSON (see `tests/conformance/README.md`). */
    fun control(stepJson: String) = sim { inner.control(stepJson) }

    /** Stops accepting connections. Idempotent. */
    fun stop() = sim { inner.stop() }

    /** Stops the server and frees it. Idempotent. */
    override fun close() {
        if (closed.compareAndSet(false, true)) {
            inner.stop()
            inner.close()
        }
    }

    override fun toString(): String = "Simulator(baseUrl=$baseUrl, clientId=$clientId, clientSecret=***)"

    private inline fun <T> sim(block: () -> T): T {
        check(!closed.get()) { "this Simulator is closed" }
        return translate(block)
    }

    companion object {
        /**
         * Starts a simulator. [configJson] is the simulator's seed JSON (any subset; see its
         * README); without it, one user `user-1` with the device `dev-1`. The control routes are
         * on unless the JSON names another `mode`.
         */
        @JvmStatic
        @JvmOverloads
        fun start(configJson: String? = null): Simulator = Simulator(translate { NativeSimulator.start(configJson) })

        private inline fun <T> translate(block: () -> T): T = try {
            block()
        } catch (e: NativeSimException) {
            throw SimulatorException(
                when (e) {
                    is NativeSimException.Failed -> e.text
                },
                e,
            )
        } catch (e: InternalException) {
            throw SimulatorException("internal error in the simulator: ${e.message}", e)
        }
    }
}
