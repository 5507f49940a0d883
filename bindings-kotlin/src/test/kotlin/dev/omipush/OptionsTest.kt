package dev.omipush

import dev.omipush.ffi.testingClientOptionNames
import dev.omipush.testing.Fault
import dev.omipush.testing.SimDevice
import dev.omipush.testing.Simulator
import kotlin.time.Duration.Companion.milliseconds
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** `OmiConfig` is the core's option record in Kotlin's spelling; records carry the core's flags. */
class OptionsTest {
    @Test
    fun `OmiConfig has a property for every client option of the core`() {
        val names = testingClientOptionNames()
        assertTrue(names.containsAll(listOf("call_timeout_ms", "max_response_bytes", "connect_timeout_ms")), "$names")
        val properties = OmiConfig::class.java.declaredFields.map { it.name }.toSet()
        for (name in names) {
            val camel = name.removeSuffix("_ms").split('_').mapIndexed { i, w ->
                if (i == 0) w else w.replaceFirstChar(Char::uppercase)
            }.joinToString("")
            assertTrue(camel in properties, "core option $name has no OmiConfig.$camel ($properties)")
        }
    }

    @Test
    fun `maxResponseBytes caps a response body and callTimeout bounds a whole call`() {
        Simulator.start().use { sim ->
            sim.addUser("big", (1..20).map { SimDevice("dev-$it", name = "n".repeat(100)) })
            OmiClient(sim.clientConfig().copy(maxResponseBytes = 1024)).use { c ->
                assertEquals(1, c.listDevicesBlocking("user-1").size)
                val e = assertThrows<OmiException.Protocol> { c.listDevicesBlocking("big") }
                assertTrue(e.message!!.contains("1024 bytes"), e.message)
            }
            OmiClient(sim.clientConfig().copy(maxResponseBytes = 64 * 1024)).use { c ->
                assertEquals(20, c.listDevicesBlocking("big").size)
            }
            OmiClient(sim.clientConfig().copy(callTimeout = 300.milliseconds)).use { c ->
                c.listDevicesBlocking("user-1") // the token first
                sim.addFault(Fault(route = "devices", latencyMillis = 5_000))
                val started = System.nanoTime()
                assertThrows<OmiException> { c.listDevicesBlocking("user-1") }
                val tookMs = (System.nanoTime() - started) / 1_000_000
                assertTrue(tookMs < 2_000, "the call took $tookMs ms despite callTimeout = 300 ms")
            }
            assertThrows<OmiException.Config> { OmiClient(sim.clientConfig().copy(maxResponseBytes = 100)) }
            assertThrows<OmiException.Config> { OmiClient(sim.clientConfig().copy(requestBudget = -1)) }
            OmiClient(sim.clientConfig().copy(requestBudget = 1000, http2 = Http2.NEVER)).use { c ->
                assertEquals(1, c.listDevicesBlocking("user-1").size)
            }
        }
    }

    @Test
    fun `Status and Outcome carry the core's isFinal and isConfirmed`() {
        Simulator.start().use { sim ->
            OmiClient(sim.clientConfig()).use { c ->
                val t = c.sendPushBlocking("user-1", "hi", "dev-1")
                val pending = c.confirmationStatusBlocking(t.nonce)
                assertEquals(State.PENDING, pending.state)
                assertFalse(pending.isFinal)
                sim.reject(t.nonce)
                val rejected = c.confirmationStatusBlocking(t.nonce)
                assertTrue(rejected.isFinal)
                val outcome = c.waitForConfirmationBlocking(t.nonce, 5_000.milliseconds)
                assertEquals(OutcomeKind.REJECTED, outcome.kind)
                assertFalse(outcome.isConfirmed)
                val t2 = c.sendPushBlocking("user-1", "hi", "dev-1")
                sim.approve(t2.nonce)
                assertTrue(c.waitForConfirmationBlocking(t2.nonce, 5_000.milliseconds).isConfirmed)
            }
        }
        assertEquals(listOf(false, true, true, true, false), State.entries.map { it.isFinal })
        assertTrue(Outcome(OutcomeKind.CONFIRMED, 1.milliseconds, 1, null).isConfirmed)
    }
}
