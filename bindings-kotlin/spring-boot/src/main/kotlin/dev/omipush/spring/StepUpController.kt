package dev.omipush.spring

import dev.omipush.FlowRequest
import dev.omipush.StepUpFlow
import jakarta.servlet.http.HttpServletRequest
import jakarta.servlet.http.HttpServletResponse
import java.util.concurrent.CompletableFuture
import org.springframework.http.HttpHeaders
import org.springframework.http.MediaType
import org.springframework.http.ResponseEntity
import org.springframework.stereotype.Controller
import org.springframework.web.bind.annotation.PathVariable
import org.springframework.web.bind.annotation.RequestMapping
import org.springframework.web.bind.annotation.RequestMethod

/**
 * The flow's routes at `omi-push.mount` (`/step-up/start`, `/wait`, `/status`): each request
 * becomes a [FlowRequest] (route below the mount, query and form parameters, the user, the
 * session value) and the core's answer is served as it is. Asynchronous (Spring MVC's
 * CompletableFuture return): the servlet thread is not held while the core pushes or checks.
 */
@Controller
@RequestMapping("\${omi-push.mount:/step-up}")
class StepUpController(
    private val flow: StepUpFlow,
    private val users: StepUpUserResolver,
    private val store: StepUpSessionStore,
) {
    @RequestMapping("/{route}", method = [RequestMethod.GET, RequestMethod.POST])
    fun handle(
        @PathVariable("route") route: String,
        request: HttpServletRequest,
        response: HttpServletResponse,
    ): CompletableFuture<ResponseEntity<String>> {
        val params = LinkedHashMap<String, String>()
        // Query values first, then form values (the last one wins: form values win).
        request.parameterMap.forEach { (name, values) -> values.lastOrNull()?.let { params[name] = it } }
        val flowRequest = FlowRequest(request.method, "/$route", params, users.userId(request), store.read(request))
        return flow.handleAsync(flowRequest).thenApply { r ->
            r.session?.let { store.write(request, response, it) }
            val headers = HttpHeaders()
            r.headers.forEach { (name, value) -> headers.set(name, value) }
            r.location?.let { headers.set(HttpHeaders.LOCATION, it) }
            headers.contentType = MediaType.parseMediaType(r.contentType)
            ResponseEntity.status(r.status).headers(headers).body(r.body)
        }
    }
}
