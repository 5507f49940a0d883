package dev.omipush

import java.util.concurrent.CancellationException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Cancellation stops polling (checked in the simulator's request log), and blocking waits run in parallel. */
class ConcurrencyTest : SimulatorTest() {
    private fun polls(nonce: String) = sim.requestLog().count { it.route == "confirmation" && it.query?.contains(nonce) == true }

    /** Waits (generously) until the simulator saw [n] polls of [nonce]. */
    private suspend fun awaitPolls(nonce: String, n: Int) {
        val start = TimeSource.Monotonic.markNow()
        while (polls(nonce) < n) {
            assertTrue(start.elapsedNow() < 10.seconds, "fewer than $n polls after 10 s")
            delay(20)
        }
    }

    /**
     * Polling of [nonce] stopped: after a settling period (a poll already on the wire may still
     * be logged; a loaded machine may delay it), no poll arrives during a quiet period of 16
     * poll intervals, and only a few arrived after [atCancel] (the count when cancelled).
     */
    private fun assertNoMorePolls(nonce: String, atCancel: Int) {
        var settled = polls(nonce)
        for (i in 0 until 10) {
            Thread.sleep(300)
            val now = polls(nonce)
            if (now == settled) break
            settled = now
        }
        Thread.sleep(800)
        assertEquals(settled, polls(nonce), "polling went on after cancellation")
        assertTrue(settled - atCancel <= 5, "${settled - atCancel} polls after cancellation")
    }

    @Test
    fun `cancelling the coroutine stops polling`() = runBlocking {
        val ticket = client.sendPush("user-1", "Cancel me", deviceId = "dev-1")
        val scope = CoroutineScope(Dispatchers.Default)
        val job = scope.launch { client.waitForConfirmation(ticket.nonce, timeout = 60.seconds) }
        awaitPolls(ticket.nonce, 3)
        val atCancel = polls(ticket.nonce)
        val mark = TimeSource.Monotonic.markNow()
        job.cancelAndJoin()
        assertTrue(mark.elapsedNow() < 5.seconds, "cancellation took ${mark.elapsedNow()}")
        assertTrue(job.isCancelled)
        assertNoMorePolls(ticket.nonce, atCancel)
    }

    @Test
    fun `withTimeout around a wait works and stops polling`() = runBlocking {
        val ticket = client.sendPush("user-1", "Time me out", deviceId = "dev-1")
        val mark = TimeSource.Monotonic.markNow()
        assertThrows<TimeoutCancellationException> {
            runBlocking { withTimeout(400.milliseconds) { client.waitForConfirmation(ticket.nonce, 60.seconds) } }
        }
        val took = mark.elapsedNow()
        assertTrue(took >= 350.milliseconds && took < 10.seconds, "withTimeout took $took")
        val atTimeout = polls(ticket.nonce)
        assertTrue(atTimeout >= 1)
        assertNoMorePolls(ticket.nonce, atTimeout)

        assertNull(withTimeoutOrNull(200.milliseconds) { client.waitForConfirmation(ticket.nonce, 60.seconds) })
        // The push is still there: a later wait sees the answer.
        sim.approve(ticket.nonce)
        assertEquals(OutcomeKind.CONFIRMED, withTimeout(10.seconds) { client.waitForConfirmation(ticket.nonce, 5.seconds) }.kind)
    }

    @Test
    fun `cancelling the CompletableFuture stops polling`() = runBlocking {
        val ticket = client.sendPush("user-1", "Cancel the future", deviceId = "dev-1")
        val future = client.waitForConfirmationAsync(ticket.nonce, java.time.Duration.ofSeconds(60))
        awaitPolls(ticket.nonce, 3)
        val atCancel = polls(ticket.nonce)
        assertTrue(future.cancel(true))
        assertThrows<CancellationException> { future.get(1, TimeUnit.SECONDS) }
        assertNoMorePolls(ticket.nonce, atCancel)
    }

    @Test
    fun `closing the client cancels its pending futures`() = runBlocking {
        val c = OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds))
        val ticket = c.sendPush("user-1", "Close me", deviceId = "dev-1")
        val future = c.waitForConfirmationAsync(ticket.nonce, java.time.Duration.ofSeconds(60))
        awaitPolls(ticket.nonce, 2)
        val atClose = polls(ticket.nonce)
        c.close()
        assertThrows<CancellationException> { future.get(5, TimeUnit.SECONDS) }
        assertNoMorePolls(ticket.nonce, atClose)
    }

    @Test
    fun `interrupting a blocking wait stops it and its polling`() = runBlocking {
        val ticket = client.sendPush("user-1", "Interrupt me", deviceId = "dev-1")
        var error: Throwable? = null
        var stillInterrupted = false
        val waiter = Thread {
            try {
                client.waitForConfirmationBlocking(ticket.nonce, 60.seconds)
            } catch (e: Throwable) {
                error = e
                stillInterrupted = Thread.currentThread().isInterrupted
            }
        }
        waiter.start()
        awaitPolls(ticket.nonce, 3)
        val atInterrupt = polls(ticket.nonce)
        waiter.interrupt()
        waiter.join(5000)
        assertTrue(!waiter.isAlive, "the blocking wait ignored the interrupt")
        assertTrue(error is OmiException.Cancelled, "got $error")
        assertTrue(stillInterrupted, "the interrupt flag was cleared")
        assertNoMorePolls(ticket.nonce, atInterrupt)

        // An executor's Future.cancel(true) interrupts the same way.
        val t2 = client.sendPush("user-1", "Cancel my executor task", deviceId = "dev-1")
        val pool = Executors.newSingleThreadExecutor()
        try {
            val f = pool.submit<Outcome> { client.waitForConfirmationBlocking(t2.nonce, 60.seconds) }
            awaitPolls(t2.nonce, 2)
            val atCancel = polls(t2.nonce)
            f.cancel(true)
            assertNoMorePolls(t2.nonce, atCancel)
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun `32 blocking waits at once each get their own outcome`() {
        val n = 32
        val tickets = (0 until n).map { client.sendPushBlocking("user-1", "Parallel $it", "dev-1") }
        val expected = (0 until n).map {
            when (it % 4) {
                0, 1 -> OutcomeKind.CONFIRMED
                2 -> OutcomeKind.REJECTED
                else -> OutcomeKind.TIMED_OUT
            }
        }
        val pool = Executors.newFixedThreadPool(n)
        try {
            val ready = CountDownLatch(n)
            val go = CountDownLatch(1)
            val futures = tickets.map { t ->
                pool.submit<Outcome> {
                    ready.countDown()
                    go.await()
                    client.waitForConfirmationBlocking(t.nonce, 3.seconds, 100.milliseconds)
                }
            }
            assertTrue(ready.await(10, TimeUnit.SECONDS))
            val mark = TimeSource.Monotonic.markNow()
            go.countDown()
            Thread.sleep(300)
            tickets.forEachIndexed { i, t ->
                when (expected[i]) {
                    OutcomeKind.CONFIRMED -> sim.approve(t.nonce)
                    OutcomeKind.REJECTED -> sim.reject(t.nonce)
                    else -> {}
                }
            }
            val outcomes = futures.map { it.get(60, TimeUnit.SECONDS) }
            assertEquals(expected, outcomes.map { it.kind })
            // 32 waits of up to 3 s each, in parallel: far below 32 * 3 s.
            assertTrue(mark.elapsedNow() < 30.seconds, "took ${mark.elapsedNow()}")
            outcomes.filter { it.kind == OutcomeKind.TIMED_OUT }.forEach { assertTrue(it.elapsed >= 2.5.seconds) }
        } finally {
            pool.shutdownNow()
        }
    }
}
