package dev.omipush

import dev.omipush.testing.AutoAction
import dev.omipush.testing.Fault
import dev.omipush.testing.SimDevice
import dev.omipush.testing.Simulator
import dev.omipush.testing.SimulatorException
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The testing helper's methods, each a request of the one simulator handle. */
class SimulatorHelperTest {
    @Test
    fun `every method of the helper reaches the simulator`() {
        Simulator.start("""{"users": [{"id": "u1", "devices": [{"id": "d1", "name": "Pixel \"7\""}]}]}""").use { sim ->
            assertTrue(sim.baseUrl.startsWith("http://127.0.0.1:"), sim.baseUrl)
            assertTrue(sim.phoneUrl("d1").contains("d1"))
            sim.addUser("u2", listOf(SimDevice("d2", "Phone ü \\ \n", "ios")))
            sim.addDevice("u2", SimDevice("d3"))
            OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds)).use { c ->
                assertEquals("Pixel \"7\"", c.listDevicesBlocking("u1").single().name)
                val devices = c.listDevicesBlocking("u2")
                assertEquals(listOf("d2", "d3"), devices.map { it.id })
                assertEquals("Phone ü \\ \n", devices[0].name)
                assertEquals("ios", devices[0].platform)

                val message = "Confirm \"the\" payment — 100 €!"
                val t = c.sendPushBlocking("u2", message, "d2")
                val push = sim.pushes().single()
                assertEquals(listOf(t.nonce, "u2", message, "PENDING"), listOf(push.nonce, push.userId, push.message, push.status))
                assertEquals(listOf("d2"), push.deviceIds)
                sim.setState(t.nonce, "APPROVING")
                assertEquals(State.UNKNOWN, c.confirmationStatusBlocking(t.nonce).state)
                sim.setState(t.nonce, "PENDING")
                sim.approve(t.nonce)
                assertEquals(State.CONFIRMED, c.confirmationStatusBlocking(t.nonce).state)

                val log = sim.requestLog()
                assertEquals(listOf("token", "devices", "devices", "push_device", "confirmation", "confirmation"), log.map { it.route })
                assertTrue(log.zipWithNext().all { (a, b) -> b.seq > a.seq && b.timeMillis >= a.timeMillis })
                assertEquals(200, log.last().status)
                assertEquals(2, sim.count("confirmation", "GET"))
                sim.clearLog()
                assertEquals(0, sim.count("*", "GET"))

                sim.addFault(Fault(route = "devices", status = 503, retryAfterSeconds = 0, times = 1))
                assertThrows<OmiException> { OmiClient(sim.clientConfig().copy(maxRetries = 0)).use { it.listDevicesBlocking("u1") } }
                assertEquals(503, sim.requestLog().last { it.route == "devices" }.status)
                sim.clearFaults()

                sim.setAutoRespond(AutoAction.REJECT, 10)
                val t2 = c.sendPushBlocking("u1", "auto", "d1")
                assertEquals(OutcomeKind.REJECTED, c.waitForConfirmationBlocking(t2.nonce, 5.seconds).kind)
                sim.setAutoRespond(null)
                sim.expire(c.sendPushBlocking("u1", "x", "d1").nonce)
                assertEquals("EXPIRED", sim.pushes().last().status)
                sim.revokeTokens()
                sim.control("""{"do": "clear_faults"}""")
            }
            assertThrows<SimulatorException> { sim.reject("AAAAAAAAAAAAAAAAAAAAAAAA") }
            assertThrows<SimulatorException> { sim.addFault(Fault(route = "nowhere")) }
        }
        assertThrows<SimulatorException> { Simulator.start("[1, 2]") }
        assertThrows<SimulatorException> { Simulator.start("{") }
    }
}
