package dev.omipush.testing

import dev.omipush.InternalOmiPushApi
import dev.omipush.OmiConfig
import dev.omipush.OmiInternal
import dev.omipush.testing.ffi.InternalException
import dev.omipush.testing.ffi.NativeSimException
import dev.omipush.testing.ffi.NativeSimulator
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
@OptIn(InternalOmiPushApi::class)
class Simulator private constructor(private val inner: NativeSimulator) : AutoCloseable {
    private val closed = AtomicBoolean(false)
    private val info = request("info") as Map<*, *>

    /** `http://127.0.0.1:PORT`. */
    val baseUrl: String = info["base_url"] as String
    val tokenUrl: String = info["token_url"] as String
    val clientId: String = info["client_id"] as String

    /** The client secret the token endpoint accepts (random per start unless configured). */
    val clientSecret: String = info["client_secret"] as String

    /** A client configuration for this simulator. */
    fun clientConfig(): OmiConfig = OmiConfig(baseUrl = baseUrl, clientId = clientId, clientSecret = clientSecret)

    /** The virtual phone page of a device, for a browser. */
    fun phoneUrl(deviceId: String): String = request("phone_url", "device_id" to deviceId) as String

    /** Adds a user (replacing one with the same id). */
    @JvmOverloads
    fun addUser(userId: String, devices: List<SimDevice> = emptyList()) {
        request("add_user", "user" to mapOf("id" to userId, "devices" to devices.map { it.json() }))
    }

    /** Adds a device to a user (replacing one with the same id). */
    fun addDevice(userId: String, device: SimDevice) {
        request("add_device", "user_id" to userId, "device" to device.json())
    }

    /** The phone approves the push now. */
    fun approve(nonce: String) {
        request("approve", "nonce" to nonce)
    }

    /** The phone rejects the push now. */
    fun reject(nonce: String) {
        request("reject", "nonce" to nonce)
    }

    /** The push expires now. */
    fun expire(nonce: String) {
        request("expire", "nonce" to nonce)
    }

    /** Sets any state string (for unknown-state tests). */
    fun setState(nonce: String, state: String) {
        request("set_state", "nonce" to nonce, "state" to state)
    }

    /** Every push, oldest first. */
    fun pushes(): List<SimPush> = (request("pushes") as List<*>).map {
        val p = it as Map<*, *>
        SimPush(
            p["nonce"] as String,
            p["user_id"] as String,
            (p["device_ids"] as List<*>).map { d -> d as String },
            p["message"] as String,
            p["status"] as String,
            (p["created_ms"] as Number).toDouble(),
        )
    }

    fun addFault(fault: Fault) {
        val f = mapOf(
            "route" to fault.route,
            "status" to fault.status,
            "retry_after_s" to fault.retryAfterSeconds,
            "latency_ms" to fault.latencyMillis,
            "drop" to fault.drop,
            "malformed" to fault.malformed,
            "skip" to fault.skip,
            "times" to fault.times,
        )
        request("add_fault", "fault" to f)
    }

    fun clearFaults() {
        request("clear_faults")
    }

    /** Every token issued so far is refused from now on. */
    fun revokeTokens() {
        request("revoke_tokens")
    }

    /** Answers every new push by itself after [delayMillis]; `null` turns it off. */
    @JvmOverloads
    fun setAutoRespond(action: AutoAction?, delayMillis: Long = 2000) {
        val auto = action?.let { mapOf("action" to it.name.lowercase(), "delay_ms" to delayMillis) }
        request("set_auto_respond", "auto" to auto)
    }

    /** [setAutoRespond] with a Kotlin [Duration]. */
    fun setAutoRespond(action: AutoAction?, delay: Duration) = setAutoRespond(action, delay.inWholeMilliseconds)

    /** The OMI and token requests so far, oldest first. */
    fun requestLog(): List<LogEntry> = (request("request_log") as List<*>).map {
        val e = it as Map<*, *>
        LogEntry(
            (e["seq"] as Number).toLong(),
            e["route"] as String,
            e["method"] as String,
            e["path"] as String,
            e["query"] as String?,
            (e["status"] as Number).toInt(),
            (e["t_ms"] as Number).toDouble(),
        )
    }

    fun clearLog() {
        request("clear_log")
    }

    /** Logged requests of [route] (or `"*"`) with [method]. */
    fun count(route: String, method: String): Int =
        (request("count", "route" to route, "method" to method) as Number).toInt()

    /** Runs one simulator-side conformance step given as JSON (see `tests/conformance/README.md`). */
    fun control(stepJson: String) {
        sim { inner.request(stepJson) }
    }

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

    /** One request of the simulator handle (see `ffi/src/sim.rs`). */
    private fun request(what: String, vararg fields: Pair<String, Any?>): Any? =
        sim { OmiInternal.readJson(inner.request(OmiInternal.writeJson(mapOf("do" to what) + fields))) }

    private fun SimDevice.json() = mapOf("id" to id, "name" to name, "platform" to platform)

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
        fun start(configJson: String? = null): Simulator {
            val config = configJson?.let {
                val seed = translate { OmiInternal.readJson(it) } as? Map<*, *>
                    ?: throw SimulatorException("simulator config must be a JSON object")
                OmiInternal.writeJson(if ("mode" in seed) seed else seed + ("mode" to "test"))
            }
            loadNative()
            return Simulator(translate { NativeSimulator.start(config) })
        }

        /**
         * The simulator's own native library (`omi_push_testing_uniffi`, in this jar's JNA resource
         * folders), loaded before the generated layer touches it: on a platform without one, every
         * start throws the same [dev.omipush.OmiException.Config] naming the platform.
         */
        private val loadNative = OmiInternal.nativeLoader("omi_push_testing_uniffi", "omi-push-testing", Simulator::class.java)

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
        } catch (e: IllegalStateException) {
            throw SimulatorException("simulator JSON: ${e.message}", e)
        }
    }
}
