package dev.omipush.it

import dev.omipush.OmiClient
import dev.omipush.OmiConfig
import dev.omipush.OmiException
import dev.omipush.OutcomeKind
import dev.omipush.testing.AutoAction
import dev.omipush.testing.Simulator
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.runBlocking

/** Known to [JarIT], which checks that neither appears in the output, logs included. */
const val SECRET = "it-secret-4242-kotlin"
const val TOKEN = "it-token-4242-kotlin"

/**
 * Run in a fresh JVM by [JarIT]: uses every form of the API and returns from `main` without
 * closing anything. The JVM must still exit by itself.
 */
fun main() {
    val sim = Simulator.start("""{"client_secret": "$SECRET"}""")
    sim.setAutoRespond(AutoAction.APPROVE, 100)
    val client = OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds))
    val a = runBlocking {
        val t = client.sendPush("user-1", "From a fresh JVM", deviceId = "dev-1")
        client.waitForConfirmation(t.nonce, 5.seconds)
    }
    val t2 = client.sendPushBlocking("user-1", "Blocking", "dev-1")
    val b = client.waitForConfirmationBlocking(t2.nonce, 5.seconds)
    val t3 = client.sendPushAsync("user-1", "Future", "dev-1").get(10, TimeUnit.SECONDS)
    val c = client.waitForConfirmationAsync(t3.nonce, java.time.Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS)
    check(listOf(a, b, c).all { it.kind == OutcomeKind.CONFIRMED }) { "unexpected outcomes $a $b $c" }
    val refused = OmiClient(OmiConfig(sim.baseUrl, accessToken = TOKEN))
    try {
        refused.listDevicesBlocking("user-1")
        error("a static token the server never issued was accepted")
    } catch (e: OmiException.Authentication) {
        println("refused: ${e.message}")
    }
    val seen = java.util.concurrent.atomic.AtomicInteger()
    OmiClient(sim.clientConfig().copy(eventListener = { seen.incrementAndGet() })).use { it.listDevicesBlocking("user-1") }
    check(seen.get() >= 2) { "the listener saw ${seen.get()} events" }
    // The file omi-push's loader unpacked from the jar and loaded (dev.omipush.NativeLoader).
    println("library=" + System.getProperty("uniffi.component.omi_push_uniffi.libraryOverride"))
    println("OK")
}
