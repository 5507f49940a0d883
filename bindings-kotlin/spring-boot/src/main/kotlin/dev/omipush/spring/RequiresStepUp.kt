package dev.omipush.spring

/**
 * On a controller method (or class): the handler runs only with a fresh approval of [value]
 * (the action, e.g. `change-payment-method`) by the current user, spent by this request.
 * Otherwise a browser is redirected (303) to the step-up pages and comes back; an API client
 * (`Accept: application/json`, not HTML) gets `401` with a JSON body.
 * ```java
 * @GetMapping("/payment-method")
 * @RequiresStepUp("change-payment-method")
 * public String paymentMethod() { ... }
 * ```
 */
@Target(AnnotationTarget.FUNCTION, AnnotationTarget.CLASS)
@Retention(AnnotationRetention.RUNTIME)
@MustBeDocumented
annotation class RequiresStepUp(val value: String)
