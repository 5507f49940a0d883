package dev.omipush.ktor

import dev.omipush.FlowRequest
import dev.omipush.FlowResponse
import dev.omipush.GuardResult
import dev.omipush.StepUpFlow
import io.ktor.http.ContentType
import io.ktor.http.Cookie
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpMethod
import io.ktor.http.HttpStatusCode
import io.ktor.http.Parameters
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.createRouteScopedPlugin
import io.ktor.server.plugins.origin
import io.ktor.server.request.contentType
import io.ktor.server.request.httpMethod
import io.ktor.server.request.receiveParameters
import io.ktor.server.request.uri
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.application
import io.ktor.server.routing.route
import io.ktor.util.AttributeKey

/**
 * Settings of [OmiStepUp], the application plugin: the [flow] (required) and how the app
 * identifies the current user ([userId], required). The flow's session value lives in a
 * cookie named [cookieName] by default (it holds signed challenges, no secret, each bound to
 * the user and the action and redeemed once); give [readSession] / [writeSession] to keep it in
 * the app's own session instead (`""` written = remove it).
 */
class OmiStepUpConfig {
    var flow: StepUpFlow? = null
    var userId: (suspend (ApplicationCall) -> String?)? = null
    var cookieName: String = "omi_step_up"
    var readSession: (ApplicationCall) -> String? = { call -> call.request.cookies[cookieName] }
    var writeSession: (ApplicationCall, String) -> Unit = { call, value -> defaultCookie(call, value) }

    /** How the app identifies the current user (`null` = nobody is signed in). */
    fun userId(block: suspend (ApplicationCall) -> String?) {
        userId = block
    }

    private fun defaultCookie(call: ApplicationCall, value: String) {
        val secure = call.request.origin.scheme == "https"
        call.response.cookies.append(
            Cookie(
                name = cookieName,
                value = value,
                path = "/",
                httpOnly = true,
                secure = secure,
                maxAge = if (value.isEmpty()) 0 else null,
                extensions = mapOf("SameSite" to "Lax"),
            ),
        )
    }
}

internal class StepUpSettings(
    val flow: StepUpFlow,
    val userId: suspend (ApplicationCall) -> String?,
    val read: (ApplicationCall) -> String?,
    val write: (ApplicationCall, String) -> Unit,
)

private val SettingsKey = AttributeKey<StepUpSettings>("omi-push step-up")

private fun Application.stepUpSettings(): StepUpSettings =
    attributes.getOrNull(SettingsKey)
        ?: error("install(OmiStepUp) { flow = …; userId { call -> … } } in the application first")

/**
 * The step-up flow for this application. Then [stepUpRoutes] mounts its pages and
 * [RequireStepUp] guards a route:
 * ```kotlin
 * install(OmiStepUp) {
 *     flow = StepUpFlow(stepUp, "/step-up", "Confirm the change of your payment method")
 *     userId { call -> call.sessions.get<Login>()?.user }
 * }
 * routing {
 *     stepUpRoutes()
 *     route("/payment") {
 *         install(RequireStepUp) { action = "change-payment-method" }
 *         get { call.respondText("Change your payment method") }
 *     }
 * }
 * ```
 */
val OmiStepUp = createApplicationPlugin("OmiStepUp", ::OmiStepUpConfig) {
    val flow = requireNotNull(pluginConfig.flow) { "OmiStepUp: set flow" }
    val userId = requireNotNull(pluginConfig.userId) { "OmiStepUp: set userId { call -> … }" }
    application.attributes.put(
        SettingsKey,
        StepUpSettings(flow, userId, pluginConfig.readSession, pluginConfig.writeSession),
    )
}

/**
 * Settings of [RequireStepUp]: the [action] this route does (required, e.g.
 * `change-payment-method`), and which requests are API clients ([wantsJson]; they get `401`
 * with a JSON body instead of a redirect; by default those that accept JSON and not HTML).
 */
class RequireStepUpConfig {
    var action: String? = null
    var wantsJson: (ApplicationCall) -> Boolean = ::acceptsJsonOnly
}

/**
 * A route plugin: the route runs only with a fresh approval of its action by the current user
 * (spent by this request); otherwise the browser goes to the step-up pages (and comes back).
 */
val RequireStepUp = createRouteScopedPlugin("RequireStepUp", ::RequireStepUpConfig) {
    val action = requireNotNull(pluginConfig.action) { "RequireStepUp: set action" }
    val wantsJson = pluginConfig.wantsJson
    onCall { call ->
        val s = call.application.stepUpSettings()
        when (val g = s.flow.guard(action, s.userId(call), s.read(call), call.request.uri, wantsJson(call))) {
            is GuardResult.Allow -> s.write(call, g.session)
            is GuardResult.Respond -> call.respondFlow(g.response, s)
        }
    }
}

/** Mounts the flow's pages (the device picker, the waiting page, its status route) at the flow's mount point. */
fun Route.stepUpRoutes() {
    val s = application.stepUpSettings()
    route(s.flow.mount) {
        route("{route...}") {
            handle {
                val method = call.request.httpMethod
                val params = LinkedHashMap<String, String>()
                call.request.queryParameters.flattenFirst(params)
                if (method == HttpMethod.Post && call.request.contentType().match(ContentType.Application.FormUrlEncoded)) {
                    call.receiveParameters().flattenFirst(params)
                }
                val below = call.request.uri.substringBefore('?').removePrefix(s.flow.mount)
                val request = FlowRequest(method.value, below, params, s.userId(call), s.read(call))
                call.respondFlow(s.flow.handle(request), s)
            }
        }
    }
}

private fun Parameters.flattenFirst(into: MutableMap<String, String>) {
    forEach { name, values -> values.firstOrNull()?.let { into[name] = it } }
}

private suspend fun ApplicationCall.respondFlow(r: FlowResponse, s: StepUpSettings) {
    r.session?.let { s.write(this, it) }
    // Every header the core names (Cache-Control: no-store, …); Content-Type goes with the body.
    r.headers.forEach { (name, value) -> response.headers.append(name, value, safeOnly = false) }
    r.location?.let { response.header(HttpHeaders.Location, it) }
    respondText(r.body, ContentType.parse(r.contentType), HttpStatusCode.fromValue(r.status))
}

/** API clients: the core's one rule on the `Accept` header ([StepUpFlow.wantsJson]). */
private fun acceptsJsonOnly(call: ApplicationCall): Boolean = StepUpFlow.wantsJson(call.request.headers[HttpHeaders.Accept])
