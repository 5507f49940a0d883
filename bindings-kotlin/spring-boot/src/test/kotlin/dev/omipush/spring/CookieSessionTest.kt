package dev.omipush.spring

import dev.omipush.spring.app.TestApp
import dev.omipush.testing.Simulator
import java.net.HttpCookie
import java.net.URI
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.springframework.beans.factory.annotation.Autowired
import org.springframework.boot.test.context.SpringBootTest
import org.springframework.boot.test.web.server.LocalServerPort

/** `omi-push.session=cookie`: the flow's value in its own cookie, no HttpSession; a replayed copy is refused. */
@SpringBootTest(
    classes = [TestApp::class],
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = [
        "omi-push.simulator.enabled=true",
        "omi-push.simulator.users[0].id=carol",
        "omi-push.simulator.users[0].devices[0].id=carols-phone",
        "omi-push.step-up.min-gap=0s",
        "omi-push.session=cookie",
    ],
)
class CookieSessionTest {
    @LocalServerPort
    var port: Int = 0

    @Autowired
    lateinit var sim: Simulator

    @Test
    fun `approved once through the cookie, a replayed copy of it is refused`() {
        val base = "http://127.0.0.1:$port"
        val http = Browser(base, "carol")
        val start = http.get(http.get("/payment").location())
        assertEquals(303, start.statusCode())
        val setCookie = start.headers().allValues("Set-Cookie").single { it.startsWith("omi_step_up=") }
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie)
        assertTrue(start.headers().allValues("Set-Cookie").none { it.startsWith("JSESSIONID") }, "no HttpSession")
        sim.approve(sim.pushes().last().nonce)
        // The waiting page's poll: the status route sees the approval.
        val status = http.get("/step-up/status?action=change-payment-method&next=%2Fpayment", "application/json")
        assertTrue(status.body().contains("\"verdict\":\"approved\""), status.body())
        val copy = http.cookies.cookieStore.get(URI.create(base)).single { it.name == "omi_step_up" }.value

        assertEquals(200, http.get("/payment").statusCode())
        // The same cookie again, from another client: spent in the store, refused.
        val replay = Browser(base, "carol")
        replay.cookies.cookieStore.add(URI.create(base), HttpCookie("omi_step_up", copy).apply { path = "/"; version = 0 })
        assertEquals(303, replay.get("/payment").statusCode())
        // Another user's copy of it is refused too.
        val mallory = Browser(base, "mallory")
        mallory.cookies.cookieStore.add(URI.create(base), HttpCookie("omi_step_up", copy).apply { path = "/"; version = 0 })
        assertEquals(303, mallory.get("/payment").statusCode())
    }
}
