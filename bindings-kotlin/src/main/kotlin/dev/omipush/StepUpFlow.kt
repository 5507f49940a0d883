package dev.omipush

import dev.omipush.ffi.NativeFlow
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.future.future

/**
 * A request to the step-up flow's routes, as a web framework adapter sees it. [route] is the
 * path below the mount point (`/start`, `/wait` or `/status`); [params] the query and form
 * parameters (form values win); [userId] the signed-in user (`null` = nobody); [session] the
 * flow's value as the framework's session last kept it.
 */
data class FlowRequest @JvmOverloads constructor(
    val method: String,
    val route: String,
    val params: Map<String, String> = emptyMap(),
    val userId: String? = null,
    val session: String? = null,
)

/**
 * What to answer: [status], `Content-Type` [contentType], [body], a `Location` header
 * [location] (with 303), the flow's new [session] value to keep (`""` = remove it,
 * `null` = leave it as it is), and [headers] to set on the response, every one
 * (`Cache-Control: no-store` and the like).
 */
data class FlowResponse(
    val status: Int,
    val contentType: String,
    val body: String,
    val location: String?,
    val session: String?,
    val headers: Map<String, String> = emptyMap(),
)

/** What the guard of a route decided. */
sealed class GuardResult {
    /** The request goes through; keep [session] (the spent approval is gone from it). */
    data class Allow(val session: String) : GuardResult()

    /** Answer [response] instead (a redirect to the step-up, 401 for an API client, 503). */
    data class Respond(val response: FlowResponse) : GuardResult()
}

/**
 * The web step-up flow (the core's `omi_push::stepup::flow`), written once for every framework:
 * a [guard] for the routes of a sensitive action and the flow's own routes ([handle]: the device
 * picker, the push, the "check your phone" page that polls a status route). A framework adapter
 * (`dev.omipush.ktor`) only turns its request into a [FlowRequest], serves the [FlowResponse]
 * and keeps the session value. [mount] is where the flow's routes live (`/step-up`);
 * [message] is what the phone shows. [layout] is the app's own page template around every page
 * of the flow: HTML with `{{content}}`, and optionally `{{title}}`, `{{head}}` (inside `<head>`)
 * and `{{style}}` (the built-in CSS); without `{{content}}` it is an [OmiException.Config].
 *
 * Each operation comes as a `suspend` function, a `...Blocking` one and an `...Async`
 * [CompletableFuture], like [StepUp]. Uses [stepUp] (which stays open; close it yourself).
 */
class StepUpFlow @JvmOverloads constructor(
    val stepUp: StepUp,
    mount: String = "/step-up",
    message: String = "Confirm this action",
    layout: String? = null,
) : AutoCloseable {
    /** Where the flow's routes are mounted. */
    val mount: String = arg(mount, "mount")

    private val inner: NativeFlow = native {
        NativeFlow(arg(stepUp, "step_up").nativeStepUp(), this.mount, arg(message, "message"), layout)
    }
    private val closed = AtomicBoolean(false)
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("omi-push-flow"))

    private fun flow(): NativeFlow {
        check(!closed.get()) { "this StepUpFlow is closed" }
        return inner
    }

    /**
     * The guard of a route for [action]: [url] is the request's own local URL (path and query,
     * to come back to), [wantsJson] true for an API client (401 with a JSON body instead of a
     * redirect). A redeemable approval for this user and action lets the request through once.
     */
    suspend fun guard(action: String, userId: String?, session: String?, url: String, wantsJson: Boolean = false): GuardResult =
        offNativeThreads {
            native { flow().guard(arg(action, "action"), userId, session, arg(url, "url"), wantsJson) }
        }.let(::guardOf)

    /** Answers one request to the flow's routes. */
    suspend fun handle(request: FlowRequest): FlowResponse =
        offNativeThreads { native { flow().handle(arg(request, "request").toNative()) } }
            .let { responseOf(Json.read(it) as Map<*, *>) }

    /** Blocking [guard]. */
    @JvmOverloads
    fun guardBlocking(action: String, userId: String?, session: String?, url: String, wantsJson: Boolean = false): GuardResult =
        blocking { guard(action, userId, session, url, wantsJson) }

    /** Blocking [handle]. */
    fun handleBlocking(request: FlowRequest): FlowResponse = blocking { handle(request) }

    /** [guard] as a [CompletableFuture]. */
    @JvmOverloads
    fun guardAsync(action: String, userId: String?, session: String?, url: String, wantsJson: Boolean = false): CompletableFuture<GuardResult> =
        start { guard(action, userId, session, url, wantsJson) }

    /** [handle] as a [CompletableFuture]. */
    fun handleAsync(request: FlowRequest): CompletableFuture<FlowResponse> = start { handle(request) }


    private fun <T> start(block: suspend CoroutineScope.() -> T): CompletableFuture<T> {
        flow()
        return scope.future(block = block)
    }

    /** Cancels pending `...Async` calls and frees the native flow (not the [stepUp]). Idempotent. */
    override fun close() {
        if (closed.compareAndSet(false, true)) {
            scope.cancel()
            inner.close()
        }
    }

    override fun toString(): String = if (closed.get()) "StepUpFlow(closed)" else "StepUpFlow(mount=$mount)"

    companion object {
        /**
         * True for an API client by its `Accept` header (it prefers JSON to HTML, as Express's
         * `req.accepts`); no header, only wildcards, or a browser's header mean HTML. The core's one rule:
         * every adapter asks it, for [guard]'s `wantsJson`.
         */
        @JvmStatic
        fun wantsJson(accept: String?): Boolean = dev.omipush.ffi.flowWantsJson(accept)
    }
}

/** The core's `FlowRequest` as JSON (its snake_case names). */
private fun FlowRequest.toNative(): String = Json.write(
    mapOf(
        "method" to arg(method, "method"),
        "route" to arg(route, "route"),
        "params" to arg(params, "params"),
        "user_id" to userId,
        "session" to session,
    ),
)

/** The core's `FlowResponse` of its JSON (`headers` as `[name, value]` pairs, in order). */
private fun responseOf(r: Map<*, *>) = FlowResponse(
    status = (r["status"] as Number).toInt(),
    contentType = r["content_type"] as String,
    body = r["body"] as String,
    location = r["location"] as String?,
    session = r["session"] as String?,
    headers = (r["headers"] as List<*>).associate { (it as List<*>)[0] as String to it[1] as String },
)

/** The core's `Guard` of its JSON: `{"allow": {"session": …}}` or `{"respond": {…}}`. */
private fun guardOf(json: String): GuardResult {
    val g = Json.read(json) as Map<*, *>
    val allow = g["allow"] as Map<*, *>?
    return if (allow != null) GuardResult.Allow(allow["session"] as String) else GuardResult.Respond(responseOf(g["respond"] as Map<*, *>))
}
