package dev.omipush.ktor

import dev.omipush.OmiClient
import dev.omipush.StepUp
import dev.omipush.StepUpOptions
import dev.omipush.testing.Simulator
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.testing.testApplication
import kotlin.time.Duration.Companion.seconds
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class ReadmeExampleTest {
    @Test
    fun `the README's shop asks for the phone, then opens the page`() {
        Simulator.start().use { sim ->
            OmiClient(sim.clientConfig()).use { omi ->
                StepUp(omi, "readme-ktor-key-0123456789abcdef-0123456", StepUpOptions(minGap = 0.seconds)).use { stepUp ->
                    testApplication {
                        application { shop(stepUp) { call -> call.request.headers["X-User"] } }
                        val http = createClient {
                            followRedirects = false
                            install(io.ktor.client.plugins.cookies.HttpCookies)
                        }
                        val first = http.get("/payment") { headers.append("X-User", "user-1") }
                        assertEquals(HttpStatusCode.SeeOther, first.status)
                        val start = http.get(first.headers[HttpHeaders.Location]!!) { headers.append("X-User", "user-1") }
                        assertEquals(HttpStatusCode.SeeOther, start.status)
                        sim.approve(sim.pushes().last().nonce)
                        // What the waiting page's script does: poll the status route.
                        val wait = start.headers[HttpHeaders.Location]!!
                        val status = http.get(wait.replace("/wait?", "/status?")) { headers.append("X-User", "user-1") }
                        assertEquals("""{"redirect":"/payment","verdict":"approved"}""", status.bodyAsText())
                        val page = http.get("/payment") { headers.append("X-User", "user-1") }
                        assertEquals("Change your payment method", page.bodyAsText())
                    }
                }
            }
        }
    }
}
