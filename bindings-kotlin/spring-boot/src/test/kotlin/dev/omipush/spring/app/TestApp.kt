package dev.omipush.spring.app

import dev.omipush.spring.RequiresStepUp
import jakarta.servlet.Filter
import jakarta.servlet.http.HttpServletRequest
import jakarta.servlet.http.HttpServletRequestWrapper
import java.security.Principal
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicInteger
import org.springframework.boot.autoconfigure.SpringBootApplication
import org.springframework.context.annotation.Bean
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.RestController

/**
 * The app of the starter's tests. Its login is a stand-in: a filter turns the `X-User` header
 * into the request's Principal, which the starter's default user resolver reads.
 */
@SpringBootApplication(proxyBeanMethods = false)
class TestApp {
    @Bean
    fun headerLogin(): Filter = Filter { request, response, chain ->
        val user = (request as HttpServletRequest).getHeader("X-User")
        val wrapped = if (user == null) request else object : HttpServletRequestWrapper(request) {
            override fun getUserPrincipal(): Principal = Principal { user }
        }
        chain.doFilter(wrapped, response)
    }
}

@RestController
class Pages {
    val paymentRuns = AtomicInteger()

    @GetMapping("/payment")
    @RequiresStepUp("change-payment-method")
    fun payment(): String {
        paymentRuns.incrementAndGet()
        return "payment page"
    }

    /** An asynchronous handler: guarded once, not again on the dispatch that resumes it. */
    @GetMapping("/async-payment")
    @RequiresStepUp("change-payment-method")
    fun asyncPayment(): CompletableFuture<String> = CompletableFuture.supplyAsync { "async payment page" }

    @GetMapping("/card")
    @RequiresStepUp("view-card-number")
    fun card(): String = "card page"

    /** No annotation: guarded by the path pattern of `omi-push.guards` in the test's properties. */
    @GetMapping("/admin/report")
    fun adminReport(): String = "admin report"

    @GetMapping("/")
    fun home(): String = "home"
}
