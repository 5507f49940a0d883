package dev.omipush

import dev.omipush.testing.Simulator
import java.net.ServerSocket
import java.nio.file.Files
import java.util.UUID
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/**
 * Step-up against the simulator, with the memory store and with Redis (`OMI_PUSH_REDIS_URL`,
 * which `scripts/with-redis` sets): each guarantee of issue 12, shown from Kotlin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StepUpTest {
    private val sim = Simulator.start()
    private val client = OmiClient(sim.clientConfig().copy(pollInterval = 50.milliseconds))
    private val key = "kotlin-step-up-test-key-0123456789abcdef"
    private val action = "change-payment-method"

    @AfterAll
    fun close() {
        client.close()
        sim.close()
    }

    private fun storeUrl(store: String): String = when (store) {
        "memory" -> "memory"
        else -> System.getenv("OMI_PUSH_REDIS_URL") ?: error("OMI_PUSH_REDIS_URL is not set: run under scripts/with-redis")
    }

    private fun stepUp(store: String, options: StepUpOptions = StepUpOptions(minGap = 0.seconds)): StepUp =
        StepUp(client, key, options.copy(store = storeUrl(store), storePrefix = "kotlin-test:${UUID.randomUUID()}:"))

    /** A user of its own per test, so throttles and pushes do not mix. */
    private fun newUser(): String = "u-${UUID.randomUUID().toString().take(8)}".also {
        sim.addUser(it, listOf(dev.omipush.testing.SimDevice("d-$it")))
    }

    @ParameterizedTest
    @ValueSource(strings = ["memory", "redis"])
    fun `approved once, then replay is already_used with no request`(store: String) {
        stepUp(store).use { su ->
            val user = newUser()
            assertEquals(listOf("d-$user"), su.devicesBlocking(user).map { it.id })
            val c = su.beginBlocking(user, action, "Confirm the change", "d-$user")
            assertEquals(listOf(user, action, "d-$user"), listOf(c.userId, c.action, c.deviceId))
            assertEquals(c.text, c.toString())
            assertTrue(c.expiresAt.isAfter(c.issuedAt))
            assertEquals(Verdict.PENDING, su.checkBlocking(c.text, user, action))
            sim.approve(c.nonce)
            assertEquals(Verdict.APPROVED, su.checkBlocking(c.text, user, action))
            sim.clearLog()
            assertThrows<OmiException.AlreadyUsed> { su.checkBlocking(c.text, user, action) }
            assertThrows<OmiException.AlreadyUsed> { runBlocking { su.wait(c.text, user, action, 2.seconds) } }
            assertEquals(0, sim.count("*", "GET") + sim.count("*", "POST"))
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["memory", "redis"])
    fun `a forged user or action is challenge_mismatch before any request`(store: String) {
        stepUp(store).use { su ->
            val mallory = newUser()
            val c = su.beginBlocking(mallory, action, "Confirm")
            sim.approve(c.nonce)
            sim.clearLog()
            val user = assertThrows<OmiException.ChallengeMismatch> { su.checkBlocking(c.text, "alice", action) }
            assertEquals("user", user.field)
            val other = assertThrows<OmiException.ChallengeMismatch> { su.checkBlocking(c.text, mallory, "delete-account") }
            assertEquals("action", other.field)
            assertEquals(0, sim.requestLog().size)
            // Mallory's own confirmation still works for Mallory, once.
            assertEquals(Verdict.APPROVED, su.checkBlocking(c.text, mallory, action))
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["memory", "redis"])
    fun `an edited byte anywhere, another key, garbage or 1 MB is invalid_challenge`(store: String) {
        stepUp(store).use { su ->
            val user = newUser()
            val c = su.beginBlocking(user, action, "Confirm")
            sim.approve(c.nonce)
            sim.clearLog()
            for (i in c.text.indices) {
                val edited = c.text.substring(0, i) + (if (c.text[i] == 'A') 'B' else 'A') + c.text.substring(i + 1)
                assertThrows<OmiException.InvalidChallenge>("byte $i") { su.checkBlocking(edited, user, action) }
            }
            for (bad in listOf("", c.text.dropLast(5), c.text + "A", "x".repeat(1 shl 20), "omi-stepup-nonsense")) {
                assertThrows<OmiException.InvalidChallenge> { su.checkBlocking(bad, user, action) }
            }
            StepUp(client, "another-key-of-another-app-0123456789", StepUpOptions(minGap = 0.seconds)).use { other ->
                val foreign = other.beginBlocking(user, action, "Confirm")
                assertThrows<OmiException.InvalidChallenge> { su.checkBlocking(foreign.text, user, action) }
            }
            assertEquals(0, sim.count("confirmation", "GET"))
            assertEquals(Verdict.APPROVED, su.checkBlocking(c.text, user, action))
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["memory", "redis"])
    fun `too old is expired with no request`(store: String) {
        stepUp(store, StepUpOptions(maxAge = 1.seconds, minGap = 0.seconds)).use { su ->
            val user = newUser()
            val c = su.beginBlocking(user, action, "Confirm")
            sim.approve(c.nonce)
            Thread.sleep(1_100)
            sim.clearLog()
            assertEquals(Verdict.EXPIRED, su.checkBlocking(c.text, user, action))
            assertEquals(Verdict.EXPIRED, su.waitBlocking(c.text, user, action, 5.seconds))
            assertEquals(0, sim.requestLog().size)
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["memory", "redis"])
    fun `over the throttle begin is throttled and sends nothing`(store: String) {
        stepUp(store, StepUpOptions(maxUnresolved = 2, minGap = 0.seconds)).use { su ->
            val user = newUser()
            su.beginBlocking(user, action, "one")
            su.beginBlocking(user, action, "two")
            val before = sim.pushes().count { it.userId == user }
            val e = assertThrows<OmiException.Throttled> { su.beginBlocking(user, action, "three") }
            assertTrue(!e.reason.isNullOrEmpty(), e.reason)
            assertEquals(before, sim.pushes().count { it.userId == user })
            assertEquals(2, before)
        }
        stepUp(store, StepUpOptions(minGap = 60.seconds)).use { su ->
            val user = newUser()
            su.beginBlocking(user, action, "one")
            val e = assertThrows<OmiException.Throttled> { runBlocking { su.begin(user, action, "two") } }
            assertTrue(e.retryAfter != null && e.retryAfter!! > 0.seconds, "${e.retryAfter}")
            assertEquals(1, sim.pushes().count { it.userId == user })
        }
    }

    @Test
    fun `Redis stopped mid-run is store_unavailable and never approved`() {
        val port = ServerSocket(0).use { it.localPort }
        val dir = Files.createTempDirectory("omi-redis")
        val redis = ProcessBuilder(
            "redis-server", "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", "$dir",
        ).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start()
        try {
            val url = "redis://127.0.0.1:$port/0"
            val deadline = System.nanoTime() + 10_000_000_000
            var su: StepUp? = null
            while (su == null) {
                try {
                    su = StepUp(client, key, StepUpOptions(minGap = 0.seconds, store = url)).also { s ->
                        s.beginBlocking(newUser(), action, "probe")
                    }
                } catch (e: OmiException.StoreUnavailable) {
                    if (System.nanoTime() > deadline) throw e
                    Thread.sleep(100)
                }
            }
            su.use { s ->
                val user = newUser()
                val c = s.beginBlocking(user, action, "Confirm")
                sim.approve(c.nonce)
                redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
                val e = assertThrows<OmiException.StoreUnavailable> { s.checkBlocking(c.text, user, action) }
                assertEquals("store_unavailable", e.kind)
                assertThrows<OmiException.StoreUnavailable> { s.waitBlocking(c.text, user, action, 2.seconds) }
                val before = sim.pushes().size
                assertThrows<OmiException.StoreUnavailable> { s.beginBlocking(user, action, "again") }
                assertEquals(before, sim.pushes().size)
            }
        } finally {
            redis.destroyForcibly()
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun `wait ends at its deadline, on coroutine cancel, on interrupt and on future cancel`() = runBlocking<Unit> {
        stepUp("memory", StepUpOptions(maxUnresolved = 10, minGap = 0.seconds)).use { su ->
            val user = newUser()
            val c = su.begin(user, action, "Confirm")
            // Deadline: pending, not an error.
            val t0 = System.nanoTime()
            assertEquals(Verdict.PENDING, su.wait(c.text, user, action, 300.milliseconds))
            assertTrue((System.nanoTime() - t0) / 1_000_000 in 250..3_000)

            // Coroutine cancel: the polling stops.
            val job = CoroutineScope(Dispatchers.Default).launch { su.wait(c.text, user, action, 60.seconds) }
            delay(300)
            job.cancelAndJoin()
            assertPollingStopped(c.nonce)

            // Thread interrupt of the blocking form: Cancelled at once, flag kept.
            var caught: Throwable? = null
            var flag = false
            val thread = Thread {
                caught = runCatching { su.waitBlocking(c.text, user, action, 60.seconds) }.exceptionOrNull()
                flag = Thread.currentThread().isInterrupted
            }
            thread.start()
            delay(300)
            val interruptedAt = System.nanoTime()
            thread.interrupt()
            thread.join(5_000)
            assertFalse(thread.isAlive)
            assertTrue(caught is OmiException.Cancelled, "$caught")
            assertTrue(flag)
            assertTrue((System.nanoTime() - interruptedAt) / 1_000_000 < 1_000)
            assertPollingStopped(c.nonce)

            // Future cancel.
            val future = su.waitAsync(c.text, user, action, java.time.Duration.ofSeconds(60))
            delay(300)
            future.cancel(true)
            assertPollingStopped(c.nonce)

            // Still usable: the approval arrives through the future form.
            sim.approve(c.nonce)
            assertEquals(Verdict.APPROVED, su.waitAsync(c.text, user, action).get(10, TimeUnit.SECONDS))
            withTimeout(5.seconds) { assertThrows<OmiException.AlreadyUsed> { runBlocking { su.check(c.text, user, action) } } }
        }
    }

    private suspend fun assertPollingStopped(nonce: String) {
        delay(100)
        fun polls() = sim.requestLog().count { it.route == "confirmation" && (nonce in it.path || nonce in it.query.orEmpty()) }
        val before = polls()
        assertTrue(before > 0, "the wait never polled")
        delay(400)
        assertEquals(before, polls(), "the wait goes on polling")
    }

    @Test
    fun `keys are at least 32 bytes, and a rotated key still verifies`() {
        assertThrows<OmiException.Config> { StepUp(client, "too-short") }
        assertThrows<OmiException.Config> { StepUp(client, ByteArray(31)) }
        assertThrows<OmiException.Config> { StepUp(client, key, StepUpOptions(store = "ftp://nowhere")) }
        val old = ByteArray(32) { it.toByte() }
        val user = newUser()
        val c = StepUp(client, old, StepUpOptions(minGap = 0.seconds)).use { it.beginBlocking(user, action, "Confirm") }
        sim.approve(c.nonce)
        StepUp(client, listOf("a-new-key-that-signs-from-now-on-0123".toByteArray(), old)).use { rotated ->
            assertEquals(Verdict.APPROVED, rotated.checkBlocking(c.text, user, action))
            val fresh = rotated.beginBlocking(newUser(), action, "Confirm")
            StepUp(client, old).use { assertThrows<OmiException.InvalidChallenge> { it.checkBlocking(fresh.text, fresh.userId, action) } }
        }
        assertThrows<IllegalStateException> { StepUp(client, key).also { it.close() }.checkBlocking(c.text, user, action) }
    }
}
