package dev.omipush

import dev.omipush.testing.SimDevice
import dev.omipush.testing.Simulator
import java.util.UUID
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The web flow against the simulator, the dance of core/tests/flow.rs from Kotlin: guard →
 * start → picker → POST → wait → status pending → approve → status approved → the guard lets
 * the request through once; replay refused; another action not unlocked; API clients get 401.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepUpFlowTest {
    private val sim = Simulator.start()
    private val client = OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds))
    private val stepUp = StepUp(
        client,
        "kotlin-flow-test-key-0123456789abcdef-0123",
        StepUpOptions(minGap = 0.seconds, maxUnresolved = 5, storePrefix = "kotlin-flow:${UUID.randomUUID()}:"),
    )
    private val flow = StepUpFlow(stepUp, "/step-up", "Confirm the change of your payment method")
    private val pay = "change-payment-method"

    init {
        sim.addDevice("user-1", SimDevice("dev-2", name = "iPhone 16"))
        sim.addUser("user-2", listOf(SimDevice("dev-3")))
    }

    @AfterAll
    fun close() {
        flow.close()
        stepUp.close()
        client.close()
        sim.close()
    }

    private fun req(method: String, route: String, params: Map<String, String>, user: String, session: String?) =
        FlowRequest(method, route, params, user, session)

    @Test
    fun `the whole flow lets this user do this action once`() = runBlocking {
        val first = flow.guard(pay, "user-1", null, "/payment?card=new")
        first as GuardResult.Respond
        assertEquals(303, first.response.status)
        assertEquals("/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew", first.response.location)

        val params = mapOf("action" to pay, "next" to "/payment?card=new")
        val before = sim.pushes().size
        val picker = flow.handle(req("GET", "/start", params, "user-1", null))
        assertEquals(200, picker.status)
        assertTrue(picker.body.contains("name=\"device\"") && picker.body.contains("value=\"all\""), picker.body)
        assertEquals(before, sim.pushes().size, "the picker sends nothing")
        assertEquals("no-store", picker.headers["Cache-Control"])
        // Without the picker's CSRF token (a form of another site): 403, nothing sent.
        assertEquals(403, flow.handle(req("POST", "/start", params + ("device" to "dev-1"), "user-1", null)).status)
        assertEquals(before, sim.pushes().size)

        val csrf = Regex("""name="csrf" value="([^"]+)"""").find(picker.body)!!.groupValues[1]
        val picked = flow.handle(req("POST", "/start", params + mapOf("device" to "dev-1", "csrf" to csrf), "user-1", null))
        assertEquals(303, picked.status)
        assertTrue(picked.location!!.startsWith("/step-up/wait?action=change-payment-method"), picked.location)
        val session = picked.session
        val push = sim.pushes().last()
        assertEquals(listOf("dev-1"), push.deviceIds)

        val page = flow.handle(req("GET", "/wait", params, "user-1", session))
        assertEquals(200, page.status)
        assertTrue(page.contentType.startsWith("text/html"))
        assertTrue(page.body.contains("Confirm the change of your payment method") && page.body.contains("role=\"status\""))
        assertEquals("""{"verdict":"pending"}""", flow.handle(req("GET", "/status", params, "user-1", session)).body)
        // Pending: back to the waiting page, no new push (the blocking form, as Java calls it).
        val pending = flow.guardBlocking(pay, "user-1", session, "/payment?card=new") as GuardResult.Respond
        assertTrue(pending.response.location!!.startsWith("/step-up/wait?"), pending.response.location)

        sim.approve(push.nonce)
        val approved = flow.handleAsync(req("GET", "/status", params, "user-1", session)).get()
        assertEquals("""{"redirect":"/payment?card=new","verdict":"approved"}""", approved.body)
        assertEquals("application/json", approved.contentType)

        // Another action is not unlocked; another user cannot use this session.
        assertTrue(flow.guard("view-card-number", "user-1", session, "/card") is GuardResult.Respond)
        assertTrue(flow.guard(pay, "user-2", session, "/payment") is GuardResult.Respond)

        val allow = flow.guard(pay, "user-1", session, "/payment?card=new")
        allow as GuardResult.Allow
        assertFalse(allow.session.contains(pay), "the spent approval left the session: ${allow.session}")
        // A replayed (copied) session value does not pass again.
        assertTrue(flow.guard(pay, "user-1", session, "/payment") is GuardResult.Respond)
    }

    @Test
    fun `denial, API clients, no user and bad input`() = runBlocking {
        // user-2 has one phone: the start pushes at once.
        val start = flow.handle(req("GET", "/start", mapOf("action" to pay, "next" to "//evil.example/"), "user-2", null))
        assertEquals(303, start.status)
        assertTrue(start.location!!.endsWith("next=%2F"), "not an open redirect: ${start.location}")
        sim.reject(sim.pushes().last().nonce)
        val params = mapOf("action" to pay)
        assertEquals("""{"verdict":"rejected"}""", flow.handle(req("GET", "/status", params, "user-2", start.session)).body)
        val page = flow.handle(req("GET", "/wait", params, "user-2", start.session))
        assertTrue(page.body.contains("denied") && page.body.contains("Send again"), page.body)

        val api = flow.guard(pay, "user-2", null, "/api/payment", wantsJson = true) as GuardResult.Respond
        assertEquals(401, api.response.status)
        assertEquals("application/json", api.response.contentType)
        assertTrue(api.response.body.contains("step_up_required"))
        assertEquals(401, (flow.guard(pay, null, null, "/payment") as GuardResult.Respond).response.status)
        assertEquals(400, flow.handle(req("GET", "/start", mapOf("action" to "bad action"), "user-2", null)).status)
        assertThrows<OmiException.Config> { StepUpFlow(stepUp, "step-up/", "x") }
        Unit
    }

    @Test
    fun `the app's layout wraps every page of the flow`() = runBlocking {
        val layout = "<html><head><title>Shop: {{title}}</title>{{head}}</head><body>{{content}}</body></html>"
        StepUpFlow(flow.stepUp, layout = layout).use { shop ->
            val picker = shop.handle(req("GET", "/start", mapOf("action" to pay), "user-1", null))
            assertTrue(picker.body.startsWith("<html><head><title>Shop: Confirm on your phone</title>"), picker.body)
            assertTrue(picker.body.endsWith("</main></body></html>"), picker.body)
        }
        assertThrows<OmiException.Config> { StepUpFlow(flow.stepUp, layout = "<html>no content</html>") }
        Unit
    }
}
