package dev.omipush.spring

import dev.omipush.FlowResponse
import dev.omipush.StepUpFlow
import jakarta.servlet.http.Cookie
import jakarta.servlet.http.HttpServletRequest
import jakarta.servlet.http.HttpServletResponse
import org.springframework.http.HttpHeaders

/**
 * How the app identifies the current user (`null` = nobody is signed in). Declare a bean of
 * this type to replace the default, the request's `Principal` name.
 */
fun interface StepUpUserResolver {
    fun userId(request: HttpServletRequest): String?
}

/**
 * Where the flow's value is kept between requests. The default follows `omi-push.session`:
 * [HttpSessionStepUpStore] or [CookieStepUpStore]; declare a bean of this type for another.
 * [write] with `""` removes it.
 */
interface StepUpSessionStore {
    fun read(request: HttpServletRequest): String?

    fun write(request: HttpServletRequest, response: HttpServletResponse, value: String)
}

/** The flow's value as an HttpSession attribute. */
class HttpSessionStepUpStore(private val attribute: String = ATTRIBUTE) : StepUpSessionStore {
    override fun read(request: HttpServletRequest): String? =
        request.getSession(false)?.getAttribute(attribute) as? String

    override fun write(request: HttpServletRequest, response: HttpServletResponse, value: String) {
        if (value.isEmpty()) {
            request.getSession(false)?.removeAttribute(attribute)
        } else {
            request.getSession(true).setAttribute(attribute, value)
        }
    }

    companion object {
        const val ATTRIBUTE = "dev.omipush.spring.stepUp"
    }
}

/** The flow's value in its own HttpOnly, SameSite=Lax cookie (Secure on https). */
class CookieStepUpStore(private val name: String = "omi_step_up") : StepUpSessionStore {
    override fun read(request: HttpServletRequest): String? =
        request.cookies?.firstOrNull { it.name == name }?.value?.let(::decode)

    override fun write(request: HttpServletRequest, response: HttpServletResponse, value: String) {
        val cookie = Cookie(name, if (value.isEmpty()) "" else encode(value))
        cookie.path = "/"
        cookie.isHttpOnly = true
        cookie.secure = request.isSecure
        cookie.setAttribute("SameSite", "Lax")
        if (value.isEmpty()) cookie.maxAge = 0
        response.addCookie(cookie)
    }

    // The value is JSON: cookie-safe as URL-safe base64.
    private fun encode(v: String) = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(v.toByteArray())

    private fun decode(v: String): String? = try {
        String(java.util.Base64.getUrlDecoder().decode(v))
    } catch (_: IllegalArgumentException) {
        null
    }
}

/** API clients: the core's one rule on the `Accept` header ([StepUpFlow.wantsJson]). */
internal fun wantsJson(request: HttpServletRequest): Boolean = StepUpFlow.wantsJson(request.getHeader(HttpHeaders.ACCEPT))

/** The request's own local URL (path and query), to come back to. */
internal fun localUrl(request: HttpServletRequest): String =
    request.requestURI + (request.queryString?.let { "?$it" } ?: "")

/** Writes a [FlowResponse] to the servlet response: status, headers, Location, session value, body. */
internal fun writeFlowResponse(
    r: FlowResponse,
    request: HttpServletRequest,
    response: HttpServletResponse,
    store: StepUpSessionStore,
) {
    r.session?.let { store.write(request, response, it) }
    response.status = r.status
    for ((name, value) in r.headers) response.setHeader(name, value)
    r.location?.let { response.setHeader(HttpHeaders.LOCATION, it) }
    response.contentType = r.contentType
    response.characterEncoding = "UTF-8"
    response.writer.write(r.body)
    response.writer.flush()
}
