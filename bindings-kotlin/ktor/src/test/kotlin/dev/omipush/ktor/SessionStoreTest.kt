package dev.omipush.ktor

import dev.omipush.OmiClient
import dev.omipush.StepUp
import dev.omipush.StepUpFlow
import dev.omipush.StepUpOptions
import dev.omipush.testing.Simulator
import io.ktor.client.plugins.cookies.HttpCookies
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.install
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import io.ktor.server.sessions.SessionSerializer
import io.ktor.server.sessions.Sessions
import io.ktor.server.sessions.clear
import io.ktor.server.sessions.cookie
import io.ktor.server.sessions.get
import io.ktor.server.sessions.sessions
import io.ktor.server.sessions.set
import io.ktor.server.testing.testApplication
import kotlin.time.Duration.Companion.seconds
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The flow's value kept in the app's own Ktor session instead of the default cookie. */
class SessionStoreTest {
    data class FlowState(val value: String)

    @Test
    fun `readSession and writeSession keep the value in Ktor's Sessions`() {
        Simulator.start().use { sim ->
            OmiClient(sim.clientConfig()).use { omi ->
                StepUp(omi, "session-store-key-0123456789abcdef-012345", StepUpOptions(minGap = 0.seconds)).use { stepUp ->
                    StepUpFlow(stepUp, "/step-up", "Confirm").use { flow ->
                        testApplication {
                            application {
                                install(Sessions) {
                                    cookie<FlowState>("app_flow") {
                                        serializer = object : SessionSerializer<FlowState> {
                                            override fun serialize(session: FlowState) = session.value
                                            override fun deserialize(text: String) = FlowState(text)
                                        }
                                    }
                                }
                                install(OmiStepUp) {
                                    this.flow = flow
                                    userId { "user-1" }
                                    readSession = { call -> call.sessions.get<FlowState>()?.value }
                                    writeSession = { call, value ->
                                        if (value.isEmpty()) call.sessions.clear<FlowState>() else call.sessions.set(FlowState(value))
                                    }
                                }
                                routing {
                                    stepUpRoutes()
                                    route("/payment") {
                                        install(RequireStepUp) { action = "change-payment-method" }
                                        get { call.respondText("payment page") }
                                    }
                                }
                            }
                            val http = createClient {
                                followRedirects = false
                                install(HttpCookies)
                            }
                            val start = http.get(http.get("/payment").headers[HttpHeaders.Location]!!)
                            assertEquals(HttpStatusCode.SeeOther, start.status)
                            val cookies = start.headers.getAll(HttpHeaders.SetCookie).orEmpty()
                            assertTrue(cookies.any { it.startsWith("app_flow=") }, "$cookies")
                            assertTrue(cookies.none { it.startsWith("omi_step_up=") }, "$cookies")
                            sim.approve(sim.pushes().last().nonce)
                            val status = http.get(start.headers[HttpHeaders.Location]!!.replace("/wait?", "/status?"))
                            assertTrue(status.bodyAsText().contains("approved"))
                            assertEquals("payment page", http.get("/payment").bodyAsText())
                            assertEquals(HttpStatusCode.SeeOther, http.get("/payment").status)
                        }
                    }
                }
            }
        }
    }
}
