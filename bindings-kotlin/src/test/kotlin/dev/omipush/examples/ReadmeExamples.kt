package dev.omipush.examples

// The README's Kotlin examples, compiled and run by the build (ReadmeTest checks that the
// README shows exactly this code).

import dev.omipush.OmiClient
import dev.omipush.OmiConfig
import dev.omipush.OmiEvent
import dev.omipush.OmiEventListener
import dev.omipush.OmiException
import dev.omipush.OutcomeKind
import dev.omipush.PushTicket
import dev.omipush.StepUp
import dev.omipush.StepUpOptions
import dev.omipush.Verdict
import dev.omipush.testing.Simulator
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.LongAdder
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

// readme:stepup
/** A web app's step-up for one sensitive action (Ktor routes, Spring WebFlux handlers). */
class PaymentMethodStepUp(private val stepUp: StepUp) {
    private val action = "change-payment-method"

    /** POST /payment-method/confirm: pushes to the chosen device (null = all); the page keeps the challenge. */
    suspend fun start(sessionUser: String, deviceId: String?): String =
        stepUp.begin(sessionUser, action, "Confirm the change of your payment method", deviceId).text

    /** GET /payment-method/wait?challenge=…: the user is the session's, never the request's. */
    suspend fun finish(sessionUser: String, challenge: String): Boolean = try {
        stepUp.wait(challenge, sessionUser, action, timeout = 60.seconds) == Verdict.APPROVED
    } catch (e: OmiException) {
        when (e) {
            // A replay, another user's or action's challenge, an edited one: refused, no request sent.
            is OmiException.AlreadyUsed, is OmiException.ChallengeMismatch, is OmiException.InvalidChallenge -> false
            else -> throw e // store down, server errors: fail closed with an error page
        }
    }
}

fun makeStepUp(omi: OmiClient, key: String, redisUrl: String?): StepUp =
    StepUp(omi, key, StepUpOptions(store = redisUrl ?: "memory", maxAge = 5.minutes))
// end

// readme:suspend
class PaymentMethodService(private val omi: OmiClient) {
    /** Called from a Ktor route or a Spring WebFlux handler: suspends, never blocks a thread. */
    suspend fun confirmChange(userId: String): Boolean {
        val device = omi.listDevices(userId).firstOrNull() ?: return false
        val ticket = omi.sendPush(userId, "Confirm the change of your payment method", deviceId = device.id)
        val outcome = omi.waitForConfirmation(ticket.nonce, timeout = 60.seconds)
        return when (outcome.kind) {
            OutcomeKind.CONFIRMED -> true
            OutcomeKind.REJECTED, OutcomeKind.EXPIRED, OutcomeKind.TIMED_OUT -> false
        }
    }
}
// end

// readme:blocking
fun confirmOnPlainThread(omi: OmiClient, userId: String): String = try {
    val ticket = omi.sendPushBlocking(userId, "Sign in from a new browser?")
    val stored: String = ticket.toString() // server-side only (never a cookie or a page), used once
    val outcome = omi.waitForConfirmationBlocking(PushTicket.parse(stored).nonce, timeout = 30.seconds)
    if (outcome.isConfirmed) "approved" else "not approved (${outcome.kind})"
} catch (e: OmiException.RateLimited) {
    "slow down, retry after ${e.retryAfter}"
} catch (e: OmiException) {
    "failed: ${e.kind}"
}
// end

// readme:config
fun makeClient(baseUrl: String, clientSecret: String): OmiClient = OmiClient(
    OmiConfig(
        baseUrl = baseUrl, // e.g. https://tenant.example
        clientId = "my-service",
        clientSecret = clientSecret,
        pollInterval = 1.seconds,
    ),
)
// end

// readme:testing
fun integrationTestSketch() {
    Simulator.start().use { sim ->
        sim.addUser("alice", listOf(dev.omipush.testing.SimDevice("phone-1", "Pixel 9", "android")))
        OmiClient(sim.clientConfig()).use { omi ->
            val ticket = omi.sendPushBlocking("alice", "Approve the transfer?", "phone-1")
            sim.approve(ticket.nonce) // or reject / expire, or open sim.phoneUrl("phone-1") in a browser
            check(omi.waitForConfirmationBlocking(ticket.nonce, timeout = 5.seconds).isConfirmed)
            check(sim.requestLog().count { it.route == "push_device" } == 1)
        }
    }
}
// end

// readme:events
/** Counts outcomes and times waits, e.g. for Prometheus or OpenTelemetry. */
class WaitMetrics : OmiEventListener {
    val outcomes = ConcurrentHashMap<String, LongAdder>()
    val waitMillis = LongAdder()

    override fun onEvent(event: OmiEvent) {
        if (event.name == "wait") {
            outcomes.computeIfAbsent(event.fields["outcome"] as? String ?: "error") { LongAdder() }.increment()
            waitMillis.add((event.fields["elapsed_ms"] as Number).toLong())
        }
    }
}

fun clientWithMetrics(config: OmiConfig, metrics: WaitMetrics) = OmiClient(config.copy(eventListener = metrics))
// end
