package dev.omipush

import java.io.File
import java.lang.reflect.Modifier
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/** How the library looks from Java and from unusual coroutine contexts. */
class InteropTest : SimulatorTest() {
    @Test
    fun `with Dispatchers Unconfined user code does not continue on the library's runtime threads`() = runBlocking<Unit> {
        withContext(Dispatchers.Unconfined) {
            client.listDevices("user-1")
            assertFalse(Thread.currentThread().name.startsWith("omi-push"), Thread.currentThread().name)
            // A blocking call right after the suspend one works (on a runtime thread it is refused).
            assertEquals(1, client.listDevicesBlocking("user-1").size)
            val t = client.sendPush("user-1", "hi", "dev-1")
            sim.approve(t.nonce)
            assertTrue(client.waitForConfirmation(t, 5.seconds).isConfirmed)
            assertEquals(State.CONFIRMED, client.confirmationStatusBlocking(t.nonce).state)
            StepUp(client, "an-interop-test-key-0123456789abcdef0123").use { su ->
                su.devices("user-1")
                assertFalse(Thread.currentThread().name.startsWith("tokio"), Thread.currentThread().name)
                assertEquals(1, su.devicesBlocking("user-1").size)
            }
        }
    }

    /** Without the refusal, the listener's blocking call would hang the runtime (measured: it does). */
    @Test
    @Timeout(30)
    fun `a blocking call on a runtime thread (an event listener) is refused with Config, the core's rule`() {
        val refused = java.util.concurrent.ConcurrentLinkedQueue<Throwable?>()
        val stepUp = StepUp(client, "an-interop-test-key-0123456789abcdef0123")
        val listener = OmiEventListener {
            if (refused.isEmpty()) {
                refused.add(runCatching { client.listDevicesBlocking("user-1") }.exceptionOrNull())
                refused.add(runCatching { client.waitForConfirmationBlocking("AAAAAAAAAAAAAAAAAAAAAAAA", 1.seconds) }.exceptionOrNull())
                // The step-up's blocking forms share the one rule.
                refused.add(runCatching { stepUp.devicesBlocking("user-1") }.exceptionOrNull())
            }
        }
        stepUp.use { OmiClient(sim.clientConfig().copy(eventListener = listener)).use { it.listDevicesBlocking("user-1") } }
        assertEquals(3, refused.size)
        for (e in refused) assertTrue(e is OmiException.Config && "inside an async runtime" in e.message!!, "$e")
        // The listener's thread was not blocked: the same calls work from this one.
        assertEquals(1, client.listDevicesBlocking("user-1").size)
    }

    @Test
    fun `waitForConfirmationBlocking(nonce, null) takes the defaults, and tickets have blocking overloads`() {
        val t = client.sendPushBlocking("user-1", "hi", "dev-1")
        sim.reject(t.nonce)
        assertEquals(OutcomeKind.REJECTED, client.waitForConfirmationBlocking(t.nonce, null).kind)
        assertEquals(OutcomeKind.REJECTED, client.waitForConfirmationBlocking(t, 5.seconds).kind)
        assertEquals(OutcomeKind.REJECTED, client.waitForConfirmationBlocking(t).kind)
    }

    @Test
    fun `no internal name is public to Java`() {
        val root = File("target/classes")
        val classes = root.walkTopDown()
            .filter { it.extension == "class" && "/ffi/" !in it.path }
            .map { Class.forName(it.relativeTo(root).path.removeSuffix(".class").replace('/', '.')) }
            .filter { Modifier.isPublic(it.modifiers) }
            .toList()
        assertTrue(classes.any { it == OmiClient::class.java })
        val leaks = classes.flatMap { c ->
            c.declaredMethods.filter { Modifier.isPublic(it.modifiers) && !it.isSynthetic && "\$omi_push" in it.name }.map { "$c.${it.name}" } +
                c.declaredFields.filter { Modifier.isPublic(it.modifiers) && it.name == "INTERRUPT_CHECK_MS" }.map { "$c.${it.name}" }
        }
        assertEquals(emptyList<String>(), leaks)
    }
}
