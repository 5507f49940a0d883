package dev.omipush

import dev.omipush.logging.CapturingProvider
import dev.omipush.testing.Fault
import dev.omipush.testing.Simulator
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.slf4j.event.Level

/** The core's events reach SLF4J (logger `dev.omipush.event`) and the configured listener. */
class EventsTest {
    @AfterEach
    fun off() {
        CapturingProvider.enabled = false
        CapturingProvider.records.clear()
    }

    @Test
    fun `an SLF4J logger sees the core's events, the retry of a 503 at INFO`() {
        CapturingProvider.records.clear()
        CapturingProvider.enabled = true
        Simulator.start().use { sim ->
            OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds)).use { c ->
                c.listDevicesBlocking("user-1")
                sim.addFault(Fault(route = "devices", status = 503, times = 1))
                c.listDevicesBlocking("user-1")
                val t = c.sendPushBlocking("user-1", "hi", "dev-1")
                sim.approve(t.nonce)
                c.waitForConfirmationBlocking(t.nonce, 5.seconds)
                val secret = sim.clientSecret
                val events = CapturingProvider.records.filter { it.logger == "dev.omipush.event" }
                val retry = events.single { it.message.startsWith("omi-push retry:") }
                assertEquals(Level.INFO, retry.level)
                assertTrue(retry.message.contains("\"op\":\"list_devices\""), retry.message)
                assertTrue(events.any { it.level == Level.DEBUG && it.message.contains("\"status\":503") }, "$events")
                assertTrue(events.any { it.message.startsWith("omi-push token:") })
                assertTrue(events.any { it.message.startsWith("omi-push push:") })
                assertTrue(events.any { it.message.startsWith("omi-push wait:") && it.message.contains("\"outcome\":\"confirmed\"") })
                assertTrue(events.none { secret in it.message || t.nonce in it.message }, "a secret or nonce in a log line")
            }
        }
    }

    @Test
    fun `without a listener or an enabled logger no event crosses the boundary`() {
        CapturingProvider.enabled = false
        assertNull(EventSink.of(null))
        assertTrue(EventSink.of { } != null)
    }

    @Test
    fun `a listener counts outcomes and times waits, and a failing listener changes nothing`() {
        val outcomes = ConcurrentHashMap<String, AtomicInteger>()
        val waitMillis = ConcurrentHashMap.newKeySet<Double>()
        val listener = OmiEventListener { e ->
            if (e.name == "wait") {
                outcomes.computeIfAbsent(e.fields["outcome"] as String) { AtomicInteger() }.incrementAndGet()
                waitMillis += (e.fields["elapsed_ms"] as Number).toDouble()
            }
        }
        Simulator.start().use { sim ->
            OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds, eventListener = listener)).use { c ->
                val a = c.sendPushBlocking("user-1", "a", "dev-1")
                sim.approve(a.nonce)
                c.waitForConfirmationBlocking(a.nonce, 5.seconds)
                val b = c.sendPushBlocking("user-1", "b", "dev-1")
                sim.reject(b.nonce)
                c.waitForConfirmationBlocking(b.nonce, 5.seconds)
                c.waitForConfirmationBlocking(c.sendPushBlocking("user-1", "c", "dev-1").nonce, 200.milliseconds)
            }
            assertEquals(mapOf("confirmed" to 1, "rejected" to 1, "timed_out" to 1), outcomes.mapValues { it.value.get() })
            assertTrue(waitMillis.all { it > 0 } && waitMillis.size == 3, "$waitMillis")

            CapturingProvider.enabled = true
            OmiClient(sim.clientConfig().copy(eventListener = { throw IllegalStateException("listener bug") })).use { c ->
                assertEquals(1, c.listDevicesBlocking("user-1").size)
            }
            assertTrue(CapturingProvider.records.any { it.level == Level.WARN && it.thrown?.message == "listener bug" })
        }
    }
}
