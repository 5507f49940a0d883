package dev.omipush.spring

import dev.omipush.GuardResult
import dev.omipush.StepUpFlow
import jakarta.servlet.DispatcherType
import jakarta.servlet.http.HttpServletRequest
import jakarta.servlet.http.HttpServletResponse
import org.springframework.core.annotation.AnnotatedElementUtils
import org.springframework.http.server.PathContainer
import org.springframework.web.method.HandlerMethod
import org.springframework.web.servlet.HandlerInterceptor
import org.springframework.web.util.pattern.PathPatternParser

/**
 * The guard of every handler annotated [RequiresStepUp] (on the method, else on its class),
 * and of the paths of `omi-push.guards`:
 * the core's guard decides, this only converts. Its one call is a store look-up (redeem), not
 * the wait: the waiting page polls the status route.
 */
class StepUpInterceptor @JvmOverloads constructor(
    private val flow: StepUpFlow,
    private val users: StepUpUserResolver,
    private val store: StepUpSessionStore,
    guards: List<OmiPushProperties.PathGuard> = emptyList(),
) : HandlerInterceptor {
    private val patterns = guards.map { PathPatternParser.defaultInstance.parse(it.pattern) to it.action }

    override fun preHandle(request: HttpServletRequest, response: HttpServletResponse, handler: Any): Boolean {
        // The dispatch that resumes an asynchronous handler: its first dispatch passed the guard
        // (and spent the approval).
        if (request.dispatcherType == DispatcherType.ASYNC) return true
        val action = actionOf(request, handler) ?: return true
        val guard = flow.guardBlocking(
            action,
            users.userId(request),
            store.read(request),
            localUrl(request),
            wantsJson(request),
        )
        return when (guard) {
            is GuardResult.Allow -> {
                store.write(request, response, guard.session)
                true
            }
            is GuardResult.Respond -> {
                writeFlowResponse(guard.response, request, response, store)
                false
            }
        }
    }

    /** The action this request needs: the handler's annotation, else the first matching path pattern. */
    private fun actionOf(request: HttpServletRequest, handler: Any): String? {
        if (handler is StepUpController) return null
        if (handler is HandlerMethod) {
            val required = AnnotatedElementUtils.findMergedAnnotation(handler.method, RequiresStepUp::class.java)
                ?: AnnotatedElementUtils.findMergedAnnotation(handler.beanType, RequiresStepUp::class.java)
            if (required != null) return required.value
            if (handler.bean is StepUpController) return null
        }
        if (patterns.isEmpty()) return null
        val path = PathContainer.parsePath(request.requestURI.removePrefix(request.contextPath))
        return patterns.firstOrNull { (pattern, _) -> pattern.matches(path) }?.second
    }
}
