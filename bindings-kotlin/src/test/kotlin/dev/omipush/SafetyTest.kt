package dev.omipush

import dev.omipush.ffi.InternalException
import dev.omipush.ffi.testingPanic
import dev.omipush.ffi.testingPanicAsync
import dev.omipush.testing.Simulator
import dev.omipush.testing.SimulatorException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Secrets stay out of every text; panics become exceptions; misuse is refused, not crashed on. */
class SafetyTest {
    private fun Throwable.allText(): String = generateSequence(this) { it.cause }
        .joinToString("\n") { "$it ${it.message} ${it.stackTraceToString()}" }

    @Test
    fun `the secret and tokens never appear in toString or exception messages`() {
        Simulator.start().use { sim ->
            val secret = sim.clientSecret
            assertFalse(sim.toString().contains(secret), sim.toString())

            val config = sim.clientConfig()
            assertFalse(config.toString().contains(secret), config.toString())
            assertTrue(config.toString().contains(sim.clientId))
            OmiClient(config).use { assertFalse(it.toString().contains(secret)) }

            val wrong = "wrong-secret-value-98765"
            OmiClient(config.copy(clientSecret = wrong)).use { c ->
                val e = assertThrows<OmiException.Authentication> { c.listDevicesBlocking("user-1") }
                assertEquals(401, e.status)
                assertFalse(e.allText().contains(wrong), e.allText())
                assertFalse(e.allText().contains(secret))
            }

            val token = "static-token-value-abcdef"
            val tokenConfig = OmiConfig(sim.baseUrl, accessToken = token)
            assertFalse(tokenConfig.toString().contains(token), tokenConfig.toString())
            OmiClient(tokenConfig).use { c ->
                assertFalse(c.toString().contains(token))
                val e = assertThrows<OmiException.Authentication> { runBlocking { c.listDevices("user-1") } }
                assertFalse(e.allText().contains(token), e.allText())
            }

            val builder = OmiConfig.builder(sim.baseUrl).clientCredentials("id", secret).build()
            assertFalse(builder.toString().contains(secret))
            val bad = assertThrows<OmiException.Config> { OmiClient(OmiConfig("ftp://x", "id", secret)) }
            assertFalse(bad.allText().contains(secret))
        }
    }

    @Test
    fun `a Rust panic becomes an exception and the JVM goes on`() {
        val sync = assertThrows<InternalException> { testingPanic("boom-sync") }
        assertTrue(sync.message!!.contains("boom-sync"), sync.message)
        val async = assertThrows<InternalException> { runBlocking { testingPanicAsync("boom-async") } }
        assertTrue(async.message!!.contains("boom-async"), async.message)
        // Still alive and usable.
        Simulator.start().use { sim -> OmiClient(sim.clientConfig()).use { assertEquals(1, it.listDevicesBlocking("user-1").size) } }
    }

    @Test
    fun `simulator errors are typed exceptions`() {
        Simulator.start().use { sim ->
            val e = assertThrows<SimulatorException> { sim.approve("AAAAAAAAAAAAAAAAAAAAAAAA") }
            assertTrue(e.message!!.contains("not found"), e.message)
            assertThrows<SimulatorException> { sim.control("""{"do": "no-such-step"}""") }
            assertThrows<SimulatorException> { Simulator.start("""{"users": 5}""") }
        }
        assertThrows<IllegalStateException> { Simulator.start().also { it.close() }.approve("x") }
    }
}
