package dev.omipush.examples.ktor

import java.net.CookieManager
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

/**
 * The demo app over real HTTP on a free port with its embedded simulator, as a browser without
 * JavaScript would go: sign in, open the protected page, get sent to the step-up, poll the
 * status route; approve → the protected page; deny → the waiting page says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoAppTest {
    private val app = DemoApp.start(port = 0, env = emptyMap())
    private val phone = URI.create(app.phoneUrl!!).let { "${it.scheme}://${it.authority}" }
    private val http = HttpClient.newHttpClient()

    @AfterAll
    fun close() = app.close()

    private class Browser(val base: String) {
        val http: HttpClient = HttpClient.newBuilder()
            .cookieHandler(CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build()

        fun get(path: String): HttpResponse<String> =
            http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString())

        fun post(path: String, form: Map<String, String>): HttpResponse<String> {
            val body = form.entries.joinToString("&") { (k, v) -> "$k=" + URLEncoder.encode(v, Charsets.UTF_8) }
            val req = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build()
            return http.send(req, HttpResponse.BodyHandlers.ofString())
        }

        fun location(r: HttpResponse<String>): String {
            assertEquals(303, r.statusCode(), r.body())
            return r.headers().firstValue("Location").orElseThrow()
        }
    }

    /** What the virtual phone page's script does: list the device's pushes, press a button. */
    private fun press(button: String) {
        val list = http.send(
            HttpRequest.newBuilder(URI.create("$phone/_sim/devices/${DemoApp.DEMO_DEVICE}/pushes")).build(),
            HttpResponse.BodyHandlers.ofString(),
        ).body()
        val pending = Regex("""\{[^{}]*"status":"PENDING"[^{}]*\}""").findAll(list)
            .map { Regex(""""nonce":"([^"]+)"""").find(it.value)!!.groupValues[1] }.toList()
        assertEquals(1, pending.size, list)
        val nonce = URLEncoder.encode(pending[0], Charsets.UTF_8)
        val r = http.send(
            HttpRequest.newBuilder(URI.create("$phone/_sim/pushes/$nonce/$button")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, r.statusCode(), r.body())
    }

    /** Signs in and goes from the protected page to the waiting page; returns its URL. */
    private fun Browser.toWaitingPage(): String {
        assertEquals(302, post("/login", mapOf("user" to "demo", "password" to "demo")).statusCode())
        assertTrue(get("/").body().contains("Change payment method"))
        val start = location(get("/payment"))
        assertTrue(start.startsWith("/step-up/start?action=change-payment-method"), start)
        val wait = location(get(start))
        val page = get(wait)
        assertEquals(200, page.statusCode())
        assertTrue(page.body().contains("Confirm the change of your payment method"), page.body())
        return wait
    }

    @Test
    fun `approve on the phone, then the payment page opens once`() {
        val browser = Browser(app.url)
        val wait = browser.toWaitingPage()
        val status = wait.replace("/step-up/wait?", "/step-up/status?")
        assertEquals("""{"verdict":"pending"}""", browser.get(status).body())
        assertTrue(app.phoneUrl!!.startsWith("http"), app.phoneUrl)

        press("approve")
        assertEquals("""{"redirect":"/payment","verdict":"approved"}""", browser.get(status).body())
        val page = browser.get("/payment")
        assertEquals(200, page.statusCode())
        assertTrue(page.body().contains("Confirmed on your phone"), page.body())
        // The approval was spent: the next visit asks again.
        assertTrue(browser.location(browser.get("/payment")).startsWith("/step-up/"))
    }

    @Test
    fun `deny on the phone, and the waiting page says so`() {
        val browser = Browser(app.url)
        val wait = browser.toWaitingPage()
        press("reject")
        val page = browser.get(wait).body()
        assertTrue(page.contains("denied") && page.contains("Send again"), page)
        assertTrue(browser.location(browser.get("/payment")).startsWith("/step-up/"))
        // Signed out: no step-up pages.
        assertEquals(401, Browser(app.url).get(wait).statusCode())
    }
}
