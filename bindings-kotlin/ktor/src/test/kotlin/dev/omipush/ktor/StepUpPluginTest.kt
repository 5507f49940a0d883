package dev.omipush.ktor

import dev.omipush.OmiClient
import dev.omipush.StepUp
import dev.omipush.StepUpFlow
import dev.omipush.StepUpOptions
import dev.omipush.testing.Simulator
import io.ktor.client.HttpClient
import io.ktor.client.plugins.cookies.HttpCookies
import io.ktor.client.request.forms.submitForm
import io.ktor.client.request.get
import io.ktor.client.request.header
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.http.parameters
import io.ktor.server.application.install
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import io.ktor.server.testing.ApplicationTestBuilder
import io.ktor.server.testing.testApplication
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/** The Ktor adapter on a test host against the simulator (one user, `user-1` with `dev-1`). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepUpPluginTest {
    private val sim = Simulator.start()
    private val client = OmiClient(sim.clientConfig())
    private val stepUp = StepUp(
        client,
        "ktor-plugin-test-key-0123456789abcdef-0123",
        StepUpOptions(minGap = 0.seconds, maxUnresolved = 10, storePrefix = "ktor:${UUID.randomUUID()}:"),
    )
    private val flow = StepUpFlow(stepUp, "/step-up", "Confirm the change of your payment method")
    private val handled = AtomicInteger()

    @AfterAll
    fun close() {
        flow.close()
        stepUp.close()
        client.close()
        sim.close()
    }

    /** The app: the user comes from a header (a stand-in for the app's own login). */
    private fun ApplicationTestBuilder.app() {
        application {
            install(OmiStepUp) {
                flow = this@StepUpPluginTest.flow
                userId { call -> call.request.headers["X-User"] }
            }
            routing {
                stepUpRoutes()
                route("/payment") {
                    install(RequireStepUp) { action = "change-payment-method" }
                    get {
                        handled.incrementAndGet()
                        call.respondText("payment page")
                    }
                }
                route("/card") {
                    install(RequireStepUp) { action = "view-card-number" }
                    get { call.respondText("card page") }
                }
                get("/") { call.respondText("home") }
            }
        }
    }

    private fun ApplicationTestBuilder.browser(): HttpClient = createClient {
        followRedirects = false
        install(HttpCookies)
    }

    @Test
    fun `guard, start, wait, status, approve, then the route runs once`() = testApplication {
        app()
        val http = browser()
        val before = handled.get()
        val first = http.get("/payment?card=new") { header("X-User", "user-1") }
        assertEquals(HttpStatusCode.SeeOther, first.status)
        assertEquals("/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew", first.headers[HttpHeaders.Location])
        assertEquals(before, handled.get(), "the guarded handler did not run")

        // One device: the start pushes and goes on to the waiting page.
        val start = http.get(first.headers[HttpHeaders.Location]!!) { header("X-User", "user-1") }
        assertEquals(HttpStatusCode.SeeOther, start.status)
        val wait = start.headers[HttpHeaders.Location]!!
        assertTrue(wait.startsWith("/step-up/wait?"), wait)
        val page = http.get(wait) { header("X-User", "user-1") }
        assertEquals(HttpStatusCode.OK, page.status)
        // The core's headers are all applied, on the flow's pages and on the guard's redirect.
        assertEquals("no-store", page.headers[HttpHeaders.CacheControl])
        assertEquals("nosniff", page.headers["X-Content-Type-Options"])
        assertEquals("no-store", first.headers[HttpHeaders.CacheControl])
        assertTrue(page.bodyAsText().contains("Confirm the change of your payment method"))
        val status = "/step-up/status?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew"
        assertEquals("""{"verdict":"pending"}""", http.get(status) { header("X-User", "user-1") }.bodyAsText())

        sim.approve(sim.pushes().last().nonce)
        assertEquals(
            """{"redirect":"/payment?card=new","verdict":"approved"}""",
            http.get(status) { header("X-User", "user-1") }.bodyAsText(),
        )
        // Another action is not unlocked.
        assertEquals(HttpStatusCode.SeeOther, http.get("/card") { header("X-User", "user-1") }.status)

        val ok = http.get("/payment?card=new") { header("X-User", "user-1") }
        assertEquals(HttpStatusCode.OK, ok.status)
        assertEquals("payment page", ok.bodyAsText())
        assertEquals(before + 1, handled.get())
        // Spent: the next visit asks again.
        assertEquals(HttpStatusCode.SeeOther, http.get("/payment") { header("X-User", "user-1") }.status)
        assertEquals(before + 1, handled.get())
    }

    @Test
    fun `the picker's form post, a denial, API clients and no user`() = testApplication {
        app()
        sim.addDevice("user-1", dev.omipush.testing.SimDevice("dev-9"))
        val http = browser()
        val picker = http.get("/step-up/start?action=change-payment-method&next=%2Fpayment") { header("X-User", "user-1") }
        assertEquals(HttpStatusCode.OK, picker.status)
        val pickerHtml = picker.bodyAsText()
        assertTrue(pickerHtml.contains("name=\"device\""))
        // The picker's own form carries the core's CSRF field: post it as the browser would.
        val csrf = Regex("""<input type="hidden" name="csrf" value="([^"]*)">""").find(pickerHtml)!!.groupValues[1]
        val posted = http.submitForm(
            "/step-up/start",
            parameters {
                append("action", "change-payment-method")
                append("next", "/payment")
                append("device", "dev-9")
                append("csrf", csrf)
            },
        ) { header("X-User", "user-1") }
        assertEquals(HttpStatusCode.SeeOther, posted.status)
        val push = sim.pushes().last()
        assertEquals(listOf("dev-9"), push.deviceIds)
        sim.reject(push.nonce)
        val page = http.get(posted.headers[HttpHeaders.Location]!!) { header("X-User", "user-1") }.bodyAsText()
        assertTrue(page.contains("denied") && page.contains("Send again"), page)
        assertEquals(HttpStatusCode.SeeOther, http.get("/payment") { header("X-User", "user-1") }.status)

        val api = http.get("/payment") {
            header("X-User", "user-1")
            header(HttpHeaders.Accept, "application/json")
        }
        assertEquals(HttpStatusCode.Unauthorized, api.status)
        assertTrue(api.bodyAsText().contains("step_up_required"))
        assertEquals(HttpStatusCode.Unauthorized, http.get("/payment").status)
        assertEquals("home", http.get("/").bodyAsText())
    }
}
