package dev.omipush

import dev.omipush.ffi.NativeEventSink
import org.slf4j.Logger
import org.slf4j.LoggerFactory

/**
 * One thing a client did, as the core reports it: [name] is `request`, `token`, `retry`,
 * `rate_limited`, `push` or `wait`; [fields] are its values (`op`, `status`, `attempt`,
 * `elapsed_ms`, `outcome`, `polls`, …; numbers as [Long] or [Double]); [json] is the same as the
 * core's JSON. Events carry no secret, no token and no nonce.
 */
class OmiEvent internal constructor(val json: String, val fields: Map<String, Any?>) {
    val name: String get() = fields["event"] as? String ?: "unknown"

    override fun toString(): String = "OmiEvent($json)"
}

/**
 * Receives every event of a client ([OmiConfig.eventListener]), e.g. to feed OpenTelemetry or
 * Prometheus. Called on the library's runtime threads: keep it short and never block in it; an
 * exception it throws is logged and dropped.
 */
fun interface OmiEventListener {
    fun onEvent(event: OmiEvent)
}

/**
 * Where a client's events go: the SLF4J logger `dev.omipush.event` (retries and rate limits at
 * INFO, the rest at DEBUG) and the configured listener. Nothing crosses the native boundary when
 * neither wants them (the logger's levels are read when the client is made).
 */
internal class EventSink private constructor(private val listener: OmiEventListener?) : NativeEventSink {
    override fun onEvent(eventJson: String) {
        try {
            @Suppress("UNCHECKED_CAST")
            val event = OmiEvent(eventJson, Json.read(eventJson) as? Map<String, Any?> ?: emptyMap())
            val log = LOG
            when {
                log == null -> {}
                event.name == "retry" || event.name == "rate_limited" ->
                    if (log.isInfoEnabled) log.info("omi-push {}: {}", event.name, eventJson)
                else -> if (log.isDebugEnabled) log.debug("omi-push {}: {}", event.name, eventJson)
            }
            listener?.onEvent(event)
        } catch (t: Throwable) {
            // Never into the native runtime thread: a listener's failure is the listener's.
            LOG?.warn("omi-push: the event listener failed", t)
        }
    }

    companion object {
        /**
         * The logger, or `null` when slf4j-api is not on the class path at all (a jar used
         * without its dependencies): then only the listener sees events.
         */
        val LOG: Logger? = try {
            LoggerFactory.getLogger("dev.omipush.event")
        } catch (e: NoClassDefFoundError) {
            null
        }

        /** The sink of a client, or `null` when no one would see its events. */
        fun of(listener: OmiEventListener?): EventSink? {
            val log = LOG
            val logged = log != null && (log.isInfoEnabled || log.isDebugEnabled)
            return if (listener != null || logged) EventSink(listener) else null
        }
    }
}
