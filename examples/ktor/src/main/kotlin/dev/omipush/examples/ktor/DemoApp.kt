package dev.omipush.examples.ktor

import dev.omipush.OmiClient
import dev.omipush.OmiConfig
import dev.omipush.StepUp
import dev.omipush.StepUpFlow
import dev.omipush.StepUpOptions
import dev.omipush.ktor.OmiStepUp
import dev.omipush.ktor.RequireStepUp
import dev.omipush.ktor.stepUpRoutes
import dev.omipush.testing.SimDevice
import dev.omipush.testing.Simulator
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.install
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty
import io.ktor.server.request.receiveParameters
import io.ktor.server.response.respondRedirect
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import io.ktor.server.sessions.SessionSerializer
import io.ktor.server.sessions.SessionTransportTransformerMessageAuthentication
import io.ktor.server.sessions.Sessions
import io.ktor.server.sessions.clear
import io.ktor.server.sessions.cookie
import io.ktor.server.sessions.get
import io.ktor.server.sessions.sessions
import io.ktor.server.sessions.set
import java.security.SecureRandom
import kotlin.time.Duration
import kotlinx.coroutines.runBlocking

/** The signed-in user of the demo (its OMI user id). */
data class Login(val userId: String)

/**
 * The demo app: a fixed login (`demo` / `demo`, the OMI user `DEMO_USER_ID`, default `alice`),
 * a home page, and "change payment method" behind a step-up on the user's phone. Against the
 * embedded simulator (alice with one phone) unless `OMI_BASE_URL`, `OMI_CLIENT_ID` and
 * `OMI_CLIENT_SECRET` name a real tenant; `STEP_UP_KEY` is the signing key (a fresh one per
 * run otherwise), `REDIS_URL` the step-up store (memory otherwise).
 */
class DemoApp private constructor(
    val simulator: Simulator?,
    private val client: OmiClient,
    private val stepUp: StepUp,
    private val flow: StepUpFlow,
    private val server: EmbeddedServer<*, *>,
    val url: String,
) : AutoCloseable {
    /** The virtual phone page of the demo user's device (simulator only). */
    val phoneUrl: String? get() = simulator?.phoneUrl(DEMO_DEVICE)

    override fun close() {
        server.stop(100, 1000)
        flow.close()
        stepUp.close()
        client.close()
        simulator?.close()
    }

    companion object {
        const val ACTION = "change-payment-method"
        const val DEMO_DEVICE = "demo-phone"

        fun start(port: Int = 8080, env: Map<String, String> = System.getenv()): DemoApp {
            val real = env["OMI_BASE_URL"]
            val demoUser = env["DEMO_USER_ID"] ?: "alice"
            val simulator = if (real != null) null else Simulator.start().also {
                it.addUser(demoUser, listOf(SimDevice(DEMO_DEVICE, name = "Pixel 9", platform = "android")))
            }
            val config = simulator?.clientConfig() ?: OmiConfig(
                baseUrl = real!!,
                clientId = env["OMI_CLIENT_ID"] ?: error("OMI_CLIENT_ID is not set"),
                clientSecret = env["OMI_CLIENT_SECRET"] ?: error("OMI_CLIENT_SECRET is not set"),
            )
            val client = OmiClient(config)
            // A key from your secrets store in production (at least 32 bytes); a fresh one per run here.
            val key = env["STEP_UP_KEY"]?.toByteArray() ?: ByteArray(32).also { SecureRandom().nextBytes(it) }
            // On the simulator, no gap between two pushes (the demo and its test push often).
            val options = StepUpOptions(store = env["REDIS_URL"], minGap = if (simulator != null) Duration.ZERO else null)
            val stepUp = StepUp(client, key, options)
            val flow = StepUpFlow(stepUp, "/step-up", "Confirm the change of your payment method")
            val sessionKey = ByteArray(32).also { SecureRandom().nextBytes(it) }
            val server = embeddedServer(Netty, port = port, host = "127.0.0.1") {
                demo(flow, demoUser, sessionKey)
            }.start(wait = false)
            val bound = runBlocking { server.engine.resolvedConnectors().first().port }
            return DemoApp(simulator, client, stepUp, flow, server, "http://127.0.0.1:$bound")
        }
    }
}

private fun Application.demo(flow: StepUpFlow, demoUser: String, sessionKey: ByteArray) {
    install(Sessions) {
        cookie<Login>("demo_login") {
            cookie.path = "/"
            cookie.httpOnly = true
            cookie.extensions["SameSite"] = "Lax"
            serializer = object : SessionSerializer<Login> {
                override fun serialize(session: Login) = session.userId
                override fun deserialize(text: String) = Login(text)
            }
            transform(SessionTransportTransformerMessageAuthentication(sessionKey))
        }
    }
    install(OmiStepUp) {
        this.flow = flow
        userId { call -> call.sessions.get<Login>()?.userId }
    }
    routing {
        stepUpRoutes()
        get("/") {
            val login = call.sessions.get<Login>()
            val body = if (login == null) {
                """<h1>Shop</h1><form method="post" action="/login">
                   <label>User <input name="user" value="demo"></label>
                   <label>Password <input name="password" type="password" value="demo"></label>
                   <button type="submit">Sign in</button></form>"""
            } else {
                """<h1>Shop</h1><p>Signed in as ${login.userId}.</p>
                   <p><a href="/payment">Change payment method</a></p>
                   <form method="post" action="/logout"><button type="submit">Sign out</button></form>"""
            }
            call.respondText(page("Shop", body), ContentType.Text.Html)
        }
        post("/login") {
            val form = call.receiveParameters()
            if (form["user"] == "demo" && form["password"] == "demo") {
                call.sessions.set(Login(demoUser))
                call.respondRedirect("/")
            } else {
                call.respondText(page("Sign in", "<p role=\"alert\">Wrong user or password.</p>"), ContentType.Text.Html, HttpStatusCode.Unauthorized)
            }
        }
        post("/logout") {
            call.sessions.clear<Login>()
            call.respondRedirect("/")
        }
        route("/payment") {
            install(RequireStepUp) { action = DemoApp.ACTION }
            get {
                call.respondText(
                    page("Change payment method", "<h1>Change payment method</h1><p>Confirmed on your phone: enter the new card.</p>"),
                    ContentType.Text.Html,
                )
            }
        }
    }
}

private fun page(title: String, body: String) =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>$title</title></head><body><main>$body</main></body></html>"

/** Starts the demo on `PORT` (default 8080) and prints where to go. */
fun main() {
    val app = DemoApp.start(System.getenv("PORT")?.toInt() ?: 8080)
    Runtime.getRuntime().addShutdownHook(Thread { app.close() })
    println("App:           ${app.url}/  (sign in as demo / demo)")
    app.phoneUrl?.let { println("Virtual phone: $it") }
    Thread.currentThread().join()
}
