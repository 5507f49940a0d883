package dev.omipush

import dev.omipush.testing.Fault
import dev.omipush.testing.SimDevice
import dev.omipush.testing.Simulator
import java.time.Instant
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ClientTest : SimulatorTest() {
    @Test
    fun `lists devices with their fields`() = runBlocking {
        sim.addUser("user-devices", listOf(SimDevice("d-1", "Pixel 9", "android"), SimDevice("d-2")))
        val devices = client.listDevices("user-devices")
        assertEquals(listOf("d-1", "d-2"), devices.map { it.id })
        assertEquals("Pixel 9", devices[0].name)
        assertEquals("android", devices[0].platform)
        assertNull(devices[1].name)
        assertEquals(devices, client.listDevicesBlocking("user-devices"))
        assertEquals(devices, client.listDevicesAsync("user-devices").get(10, TimeUnit.SECONDS))
    }

    @Test
    fun `send, read and wait in all three forms`() = runBlocking {
        val before = Instant.now().minusSeconds(5)
        val t1 = client.sendPush("user-1", "Confirm the change of your payment method", deviceId = "dev-1")
        assertEquals("user-1", t1.userId)
        assertEquals("dev-1", t1.deviceId)
        assertTrue(t1.sentAt.isAfter(before))
        assertNotNull(t1.expiresAt)
        assertEquals(Status(State.PENDING, "PENDING"), client.confirmationStatus(t1.nonce))
        sim.approve(t1.nonce)
        val o1 = client.waitForConfirmation(t1, timeout = 5.seconds)
        assertEquals(OutcomeKind.CONFIRMED, o1.kind)
        assertTrue(o1.isConfirmed)
        assertTrue(o1.polls >= 1)
        assertEquals("CONFIRMED", o1.lastStatus)
        assertEquals(State.CONFIRMED, client.confirmationStatusBlocking(t1.nonce).state)

        val t2 = client.sendPushBlocking("user-1", "Second", "dev-1")
        sim.reject(t2.nonce)
        assertEquals(OutcomeKind.REJECTED, client.waitForConfirmationBlocking(t2.nonce, 5.seconds).kind)

        val t3 = client.sendPushAsync("user-1", "Third", "dev-1").get(10, TimeUnit.SECONDS)
        val pending = client.waitForConfirmationAsync(t3.nonce, java.time.Duration.ofSeconds(5))
        sim.expire(t3.nonce)
        assertEquals(OutcomeKind.EXPIRED, pending.get(10, TimeUnit.SECONDS).kind)
        assertEquals(State.EXPIRED, client.confirmationStatusAsync(t3.nonce).get(10, TimeUnit.SECONDS).state)
    }

    @Test
    fun `a wait times out as an outcome, not an exception`() = runBlocking {
        val t = client.sendPush("user-1", "Nobody answers", deviceId = "dev-1")
        val outcome = client.waitForConfirmation(t.nonce, timeout = 300.milliseconds, pollInterval = 50.milliseconds)
        assertEquals(OutcomeKind.TIMED_OUT, outcome.kind)
        assertTrue(outcome.elapsed >= 250.milliseconds, "elapsed ${outcome.elapsed}")
        assertEquals("PENDING", outcome.lastStatus)
    }

    @Test
    fun `push to all devices and a caller nonce`() = runBlocking {
        val nonce = "caller-nonce-0123456789"
        val t = client.sendPush("user-1", "To every device", nonce = nonce)
        assertEquals(nonce, t.nonce)
        assertNull(t.deviceId)
        assertTrue(sim.pushes().any { it.nonce == nonce && it.deviceIds == listOf("dev-1") })
    }

    @Test
    fun `ticket round-trips through its string form`() = runBlocking {
        val t = client.sendPush("user-1", "Round trip", deviceId = "dev-1")
        val text = t.toString()
        assertTrue(text.startsWith("omi1."), text)
        assertEquals(text, t.encode())
        assertEquals(t, PushTicket.parse(text))
        val manual = PushTicket("AAAAAAAAAAAAAAAAAAAAAAAA", "user/1", null, Instant.ofEpochMilli(1_700_000_000_123), null)
        assertEquals(manual, PushTicket.parse(manual.toString()))
        val bad = assertThrows<OmiException.InvalidArgument> { PushTicket.parse("nonsense") }
        assertEquals("ticket", bad.field)
    }

    @Test
    fun `errors are typed with structured properties`() = runBlocking<Unit> {
        val notFound = assertThrows<OmiException.NotFound> { client.listDevicesBlocking("nobody") }
        assertEquals("not_found", notFound.kind)
        assertEquals(404, notFound.status)
        assertEquals("USER_NOT_FOUND", notFound.serverCode)
        assertEquals("OMI_NOT_FOUND", notFound.code)
        assertTrue(notFound.requestId!!.startsWith("sim-"), notFound.requestId)
        assertFalse(notFound.retryable)

        val invalid = assertThrows<OmiException.InvalidArgument> { client.sendPush("user-1", "", deviceId = "dev-1") }
        assertEquals("message", invalid.field)
        assertTrue(invalid.reason!!.isNotEmpty())

        val tooLong = assertThrows<OmiException.InvalidArgument> {
            client.waitForConfirmation("AAAAAAAAAAAAAAAAAAAAAAAA", timeout = Duration.INFINITE)
        }
        assertEquals("timeout", tooLong.field)
        val negative = assertThrows<OmiException.InvalidArgument> {
            client.waitForConfirmationBlocking("AAAAAAAAAAAAAAAAAAAAAAAA", timeout = (-1).seconds)
        }
        assertEquals("timeout", negative.field)
    }

    @Test
    fun `permission, rate limit, server and transport errors`() {
        val limited = OmiClient(sim.clientConfig().copy(scopes = listOf("credential:omi:devices:get")))
        limited.use {
            val denied = assertThrows<OmiException.PermissionDenied> { it.sendPushBlocking("user-1", "hi", "dev-1") }
            assertEquals("credential:omi:push-notification:device:post", denied.missingScope)
            assertEquals(403, denied.status)
        }

        OmiClient(sim.clientConfig().copy(maxRetries = 0)).use { c ->
            c.listDevicesBlocking("user-1") // token first, so the faults hit the OMI route
            sim.addFault(Fault(route = "devices", status = 429, retryAfterSeconds = 3, times = 1))
            val rate = assertThrows<OmiException.RateLimited> { c.listDevicesBlocking("user-1") }
            assertEquals(429, rate.status)
            assertEquals(3.seconds, rate.retryAfter)
            assertEquals(3000L, rate.retryAfterMillis)
            assertTrue(rate.retryable)

            sim.addFault(Fault(route = "devices", status = 500, times = 1))
            val server = assertThrows<OmiException.Server> { c.listDevicesBlocking("user-1") }
            assertEquals(500, server.status)
            assertTrue(server.retryable)

            sim.addFault(Fault(route = "devices", malformed = true, times = 1))
            assertThrows<OmiException.Protocol> { c.listDevicesBlocking("user-1") }
        }

        val closedPort = Simulator.start().use { it.baseUrl }
        OmiClient(OmiConfig(closedPort, clientId = "x", clientSecret = "y", maxRetries = 0)).use { c ->
            val transport = assertThrows<OmiException.Transport> { c.listDevicesBlocking("user-1") }
            assertTrue(transport.connect, transport.message)
            assertEquals("transport", transport.kind)
        }
    }

    @Test
    fun `bad configuration is a Config error`() {
        val e = assertThrows<OmiException.Config> { OmiClient(OmiConfig("http://example.com", "id", "secret")) }
        assertEquals("config", e.kind)
        assertThrows<OmiException.Config> { OmiClient(OmiConfig(sim.baseUrl)) }
        assertThrows<OmiException.Config> { OmiClient(OmiConfig(sim.baseUrl, "id", "secret", maxRetries = -1)) }
        assertThrows<OmiException.Config> { OmiClient(OmiConfig(sim.baseUrl, "id", "s", pollInterval = Duration.ZERO)) }
    }

    @Test
    fun `a static token is sent as is and never refreshed`() {
        val tokensBefore = sim.count("token", "POST")
        OmiClient(OmiConfig(sim.baseUrl, accessToken = "not-issued-token-123")).use {
            val e = assertThrows<OmiException.Authentication> { it.listDevicesBlocking("user-1") }
            assertEquals(401, e.status)
        }
        assertEquals(tokensBefore, sim.count("token", "POST"))
    }

    @Test
    fun `closed client refuses calls`() {
        val c = OmiClient(sim.clientConfig())
        c.use { assertEquals(1, it.listDevicesBlocking("user-1").size) }
        assertThrows<IllegalStateException> { c.listDevicesBlocking("user-1") }
        assertThrows<IllegalStateException> { runBlocking { c.listDevices("user-1") } }
        assertThrows<IllegalStateException> { c.waitForConfirmationAsync("AAAAAAAAAAAAAAAAAAAAAAAA") }
        c.close() // idempotent
        assertTrue(c.toString().contains("closed"))
    }
}
