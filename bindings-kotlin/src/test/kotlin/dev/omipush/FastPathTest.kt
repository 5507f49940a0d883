package dev.omipush

import dev.omipush.ffi.FfiConverterString
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The completion path of the suspend functions (`FastPath`, `src/fast.rs`): results and errors
 * arrive, cancelled tasks are aborted natively, panics become exceptions, results come back on
 * the runtime threads that stay attached to the JVM.
 */
class FastPathTest : SimulatorTest() {
    /** Waits until no native task of this JVM runs any more (other test classes may run first). */
    private suspend fun awaitNoNativeTasks() {
        val start = TimeSource.Monotonic.markNow()
        while (FastPath.running() != 0L) {
            assertTrue(start.elapsedNow() < 10.seconds, "${FastPath.running()} native tasks still run after 10 s")
            delay(20)
        }
    }

    @Test
    fun `many concurrent suspend calls all get their own result`() = runBlocking<Unit>(Dispatchers.Default) {
        val tickets = (0 until 200).map { i -> async { client.sendPush("user-1", "Push $i", deviceId = "dev-1") } }.awaitAll()
        assertEquals(200, tickets.map { it.nonce }.toSet().size)
        tickets.forEachIndexed { i, t -> if (i % 2 == 0) sim.approve(t.nonce) else sim.reject(t.nonce) }
        val outcomes = tickets.map { t -> async { client.waitForConfirmation(t.nonce, 10.seconds) } }.awaitAll()
        outcomes.forEachIndexed { i, o -> assertEquals(if (i % 2 == 0) OutcomeKind.CONFIRMED else OutcomeKind.REJECTED, o.kind) }
        val statuses = tickets.map { t -> async { client.confirmationStatus(t.nonce) } }.awaitAll()
        statuses.forEachIndexed { i, s -> assertEquals(if (i % 2 == 0) State.CONFIRMED else State.REJECTED, s.state) }
        awaitNoNativeTasks()
    }

    @Test
    fun `errors arrive as typed exceptions`() = runBlocking<Unit> {
        assertThrows<OmiException.NotFound> { runBlocking { client.listDevices("no-such-user") } }
        val e = assertThrows<OmiException.InvalidArgument> { runBlocking { client.sendPush("user-1", "") } }
        assertEquals("message", e.field)
        assertThrows<OmiException.InvalidArgument> { runBlocking { client.waitForConfirmation("x", timeout = (-1).seconds) } }
    }

    @Test
    fun `a cancelled wait is aborted in the native runtime`() = runBlocking<Unit> {
        val ticket = client.sendPush("user-1", "Abort me", deviceId = "dev-1")
        awaitNoNativeTasks()
        assertNull(withTimeoutOrNull(300.milliseconds) { client.waitForConfirmation(ticket.nonce, 60.seconds) })
        // The 60 s wait's task is gone at once, not when its timeout passes.
        awaitNoNativeTasks()
    }

    /** Operation 99 of `src/fast.rs` (debug builds only): a task that panics with its message. */
    private val testingPanic = FastPath.Op(99, FfiConverterString, FfiConverterString)

    @Test
    fun `a panic in a native task becomes an OmiException and the client goes on`() = runBlocking<Unit> {
        // Client 0 does not exist: the call is refused before any task starts.
        assertThrows<IllegalStateException> {
            runBlocking { FastPath.call(0, testingPanic, "boom-fast") }
        }
        val id = client.fastId
        val panic = assertThrows<OmiException.Internal> {
            runBlocking { FastPath.call(id, testingPanic, "boom-fast") }
        }
        assertTrue(panic.message!!.contains("boom-fast"), panic.message)
        assertEquals(1, client.listDevices("user-1").size)
    }

    @Test
    fun `results arrive on runtime threads that stay attached to the JVM`() = runBlocking<Unit> {
        repeat(20) { client.listDevices("user-1") }
        val attached = Thread.getAllStackTraces().keys.count { it.name == "omi-push-native" }
        assertTrue(attached in 1..8, "$attached attached runtime threads")
        withContext(Dispatchers.Default) { repeat(20) { client.listDevices("user-1") } }
        assertEquals(attached, Thread.getAllStackTraces().keys.count { it.name == "omi-push-native" })
    }

    @Test
    fun `a closed client refuses suspend calls`() = runBlocking<Unit> {
        val c = OmiClient(sim.clientConfig())
        c.close()
        assertThrows<IllegalStateException> { runBlocking { c.listDevices("user-1") } }
    }
}
