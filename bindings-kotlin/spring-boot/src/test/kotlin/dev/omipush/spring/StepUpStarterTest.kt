package dev.omipush.spring

import dev.omipush.StepUpFlow
import dev.omipush.spring.app.Pages
import dev.omipush.spring.app.TestApp
import dev.omipush.testing.Simulator
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.springframework.beans.factory.annotation.Autowired
import org.springframework.boot.test.context.SpringBootTest
import org.springframework.boot.test.web.server.LocalServerPort

/**
 * The starter in a Spring Boot app on a real port, against the embedded simulator: alice has
 * two phones (the picker), bob one. All from application properties.
 */
@SpringBootTest(
    classes = [TestApp::class],
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = [
        "omi-push.simulator.enabled=true",
        "omi-push.simulator.users[0].id=alice",
        "omi-push.simulator.users[0].devices[0].id=pixel",
        "omi-push.simulator.users[0].devices[0].name=Pixel 9",
        "omi-push.simulator.users[0].devices[1].id=ipad",
        "omi-push.simulator.users[0].devices[1].name=iPad",
        "omi-push.simulator.users[1].id=bob",
        "omi-push.simulator.users[1].devices[0].id=bobs-phone",
        "omi-push.step-up.min-gap=0s",
        "omi-push.step-up.max-unresolved=20",
        "omi-push.message=Confirm the change of your payment method",
        "omi-push.guards[0].pattern=/admin/**",
        "omi-push.guards[0].action=view-admin-report",
    ],
)
class StepUpStarterTest {
    @LocalServerPort
    var port: Int = 0

    @Autowired
    lateinit var sim: Simulator

    @Autowired
    lateinit var pages: Pages

    @Autowired
    lateinit var flow: StepUpFlow

    private fun browser(user: String? = "alice") = Browser("http://127.0.0.1:$port", user)

    @Test
    fun `guard, picker, post, wait, status, approve, then the handler runs once`() {
        val http = browser()
        val runs = pages.paymentRuns.get()
        val first = http.get("/payment?card=new")
        assertEquals(303, first.statusCode())
        assertEquals("/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew", first.location())
        assertEquals(runs, pages.paymentRuns.get(), "the guarded handler did not run")

        // Two phones: the picker, nothing pushed yet.
        val pushes = sim.pushes().size
        val picker = http.get(first.location())
        assertEquals(200, picker.statusCode())
        assertTrue(picker.body().contains("Pixel 9") && picker.body().contains("iPad"), picker.body())
        assertEquals("no-store", picker.headers().firstValue("Cache-Control").orElse(null))
        assertEquals(pushes, sim.pushes().size)
        val (action, hidden) = form(picker.body())
        val posted = http.post(action, hidden + ("device" to "ipad"))
        assertEquals(303, posted.statusCode(), posted.body())
        val wait = posted.location()
        assertTrue(wait.startsWith("/step-up/wait?"), wait)
        val push = sim.pushes().last()
        assertEquals(listOf("ipad"), push.deviceIds)

        val page = http.get(wait)
        assertEquals(200, page.statusCode())
        assertTrue(page.body().contains("Confirm the change of your payment method"))
        val status = "/step-up/status?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew"
        assertEquals("""{"verdict":"pending"}""", http.get(status, "application/json").body())

        sim.approve(push.nonce)
        val approved = http.get(status, "application/json")
        assertEquals("""{"redirect":"/payment?card=new","verdict":"approved"}""", approved.body())
        assertEquals("no-store", approved.headers().firstValue("Cache-Control").orElse(null))
        // Another action is not unlocked by it.
        assertEquals(303, http.get("/card").statusCode())

        val ok = http.get("/payment?card=new")
        assertEquals(200, ok.statusCode())
        assertEquals("payment page", ok.body())
        assertEquals(runs + 1, pages.paymentRuns.get())
        // Spent: the next visit asks again.
        assertEquals(303, http.get("/payment").statusCode())
        assertEquals(runs + 1, pages.paymentRuns.get())
    }

    @Test
    fun `one phone skips the picker, a denial, API clients get 401 JSON, no user 401`() {
        val http = browser("bob")
        val start = http.get("/step-up/start?action=change-payment-method&next=%2Fpayment")
        assertEquals(303, start.statusCode(), "one phone: pushed at once")
        sim.reject(sim.pushes().last().nonce)
        val page = http.get(start.location()).body()
        assertTrue(page.contains("denied") && page.contains("Send again"), page)
        assertEquals(303, http.get("/payment").statusCode())

        val api = http.get("/payment", "application/json")
        assertEquals(401, api.statusCode())
        assertTrue(api.headers().firstValue("Content-Type").get().startsWith("application/json"))
        assertTrue(api.body().contains("\"error\":\"step_up_required\""), api.body())
        assertNull(api.headers().firstValue("Location").orElse(null))

        assertEquals(401, browser(null).get("/payment").statusCode())
        assertEquals("home", browser(null).get("/").body())
    }

    @Test
    fun `an asynchronous guarded handler runs once after the approval`() {
        val http = browser("bob")
        val start = http.get(http.get("/async-payment").location())
        assertEquals(303, start.statusCode(), "one phone: pushed at once")
        sim.approve(sim.pushes().last().nonce)
        val status = http.get("/step-up/status?action=change-payment-method&next=%2Fasync-payment", "application/json")
        assertTrue(status.body().contains("\"verdict\":\"approved\""), status.body())
        val ok = http.get("/async-payment")
        assertEquals(200, ok.statusCode())
        assertEquals("async payment page", ok.body())
        assertEquals(303, http.get("/async-payment").statusCode(), "spent")
    }

    @Test
    fun `a path pattern guards a handler without the annotation`() {
        val http = browser("bob")
        val first = http.get("/admin/report")
        assertEquals(303, first.statusCode())
        assertEquals("/step-up/start?action=view-admin-report&next=%2Fadmin%2Freport", first.location())
        http.get(first.location())
        sim.approve(sim.pushes().last().nonce)
        http.get("/step-up/status?action=view-admin-report&next=%2Fadmin%2Freport", "application/json")
        assertEquals("admin report", http.get("/admin/report").body())
        assertEquals(303, http.get("/admin/report").statusCode(), "spent")
        assertEquals("home", http.get("/").body(), "other paths pass")
    }

    @Test
    fun `a POST to the start without the flow's form token pushes nothing`() {
        val http = browser("bob")
        val pushes = sim.pushes().size
        val r = http.post("/step-up/start?action=change-payment-method&next=%2Fpayment", mapOf("device" to "bobs-phone"))
        assertEquals(403, r.statusCode())
        assertEquals(pushes, sim.pushes().size)
    }

    @Test
    fun `the beans come from the properties`() {
        assertEquals("/step-up", flow.mount)
    }

    @Test
    fun `the Kotlin runtime check names the properties to set`() {
        assertNotNull(KotlinRuntimeCheck.coroutinesVersion(), "read from the coroutines jar's manifest")
        assertNull(KotlinRuntimeCheck.problem(KotlinVersion.CURRENT.toString(), KotlinRuntimeCheck.coroutinesVersion()))
        val p = KotlinRuntimeCheck.problem("1.9.25", "1.8.1")!!
        assertTrue(p.contains("kotlin-stdlib 1.9.25") && p.contains("kotlinx-coroutines 1.8.1"), p)
        assertTrue(p.contains("<kotlin.version>2.4.21</kotlin.version>") && p.contains("kotlin-coroutines.version"), p)
        assertNull(KotlinRuntimeCheck.problem("2.4.21", null))
    }
}
