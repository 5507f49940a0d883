package dev.omipush.examples

import dev.omipush.testing.AutoAction
import dev.omipush.testing.Simulator
import java.io.File
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The README's examples run, and the README shows exactly the code compiled here. */
class ExamplesTest {
    @Test
    fun `the examples work against the simulator`() {
        Simulator.start().use { sim ->
            sim.setAutoRespond(AutoAction.APPROVE, 100)
            makeClient(sim.baseUrl, sim.clientSecret).use { assertFalse(it.toString().contains(sim.clientSecret)) }
            dev.omipush.OmiClient(sim.clientConfig().copy(pollInterval = kotlin.time.Duration.parse("50ms"))).use { omi ->
                assertTrue(runBlocking { PaymentMethodService(omi).confirmChange("user-1") })
                assertFalse(runBlocking { PaymentMethodService(omi).confirmChange("user-without-devices".also { sim.addUser(it) }) })
                assertEquals("approved", confirmOnPlainThread(omi, "user-1"))
                assertEquals("failed: not_found", confirmOnPlainThread(omi, "nobody"))
                assertTrue(JavaExample.confirm(omi, "user-1", "dev-1").get(10, TimeUnit.SECONDS))
            }
            assertTrue(JavaExample.confirmBlocking(sim.baseUrl, sim.clientId, sim.clientSecret, "user-1"))
            assertFalse(JavaExample.confirmBlocking(sim.baseUrl, sim.clientId, sim.clientSecret, "nobody"))
        }
        integrationTestSketch()
    }

    @Test
    fun `the metrics example counts outcomes and times waits`() {
        Simulator.start().use { sim ->
            val metrics = WaitMetrics()
            clientWithMetrics(sim.clientConfig().copy(pollInterval = kotlin.time.Duration.parse("50ms")), metrics).use { omi ->
                val t = omi.sendPushBlocking("user-1", "Approve?", "dev-1")
                sim.approve(t.nonce)
                omi.waitForConfirmationBlocking(t.nonce, kotlin.time.Duration.parse("5s"))
                omi.waitForConfirmationBlocking(omi.sendPushBlocking("user-1", "again?", "dev-1").nonce, kotlin.time.Duration.parse("200ms"))
            }
            assertEquals(mapOf("confirmed" to 1L, "timed_out" to 1L), metrics.outcomes.mapValues { it.value.sum() })
            assertTrue(metrics.waitMillis.sum() >= 200, "${metrics.waitMillis.sum()} ms")
        }
    }

    @Test
    fun `the step-up example approves once and refuses replays, other users and edits`() = runBlocking<Unit> {
        Simulator.start().use { sim ->
            sim.addUser("mallory", listOf(dev.omipush.testing.SimDevice("m-phone")))
            sim.addUser("bob", listOf(dev.omipush.testing.SimDevice("b-phone")))
            sim.setAutoRespond(AutoAction.APPROVE, 100)
            dev.omipush.OmiClient(sim.clientConfig().copy(pollInterval = kotlin.time.Duration.parse("50ms"))).use { omi ->
                for (redis in listOf(null, System.getenv("OMI_PUSH_REDIS_URL") ?: error("run under scripts/with-redis"))) {
                    makeStepUp(omi, "an-app-key-of-at-least-32-bytes-0123456789", redis).use { su ->
                        val web = PaymentMethodStepUp(su)
                        val challenge = web.start("user-1", "dev-1")
                        assertTrue(web.finish("user-1", challenge))
                        assertFalse(web.finish("user-1", challenge), "replayed")
                        val malloryOwn = web.start("mallory", null)
                        assertFalse(web.finish("user-1", malloryOwn), "another user's confirmed challenge")
                        // One push per user per 10 s by default (minGap): bob's is another user's.
                        val fresh = web.start("bob", null)
                        assertFalse(web.finish("bob", fresh.dropLast(1) + (if (fresh.last() == 'A') 'B' else 'A')), "edited")
                        assertTrue(web.finish("bob", fresh))
                    }
                }
            }
        }
    }

    private fun dedent(lines: List<String>): String {
        val indent = lines.filter { it.isNotBlank() }.minOfOrNull { it.length - it.trimStart().length } ?: 0
        return lines.joinToString("\n") { if (it.isBlank()) "" else it.substring(indent).trimEnd() }.trim()
    }

    private fun regions(file: File): List<String> {
        val out = mutableListOf<String>()
        var current: MutableList<String>? = null
        for (line in file.readLines()) {
            when {
                line.trim().startsWith("// readme:") -> current = mutableListOf()
                line.trim() == "// end" -> current?.let { out += dedent(it) }.also { current = null }
                else -> current?.add(line)
            }
        }
        return out
    }

    @Test
    fun `the README shows the compiled examples`() {
        val readme = File("README.md").readText()
        val blocks = Regex("```(kotlin|java)\\n(.*?)\\n```", RegexOption.DOT_MATCHES_ALL)
            .findAll(readme).map { dedent(it.groupValues[2].lines()) }.toList()
        val compiled = regions(File("src/test/kotlin/dev/omipush/examples/ReadmeExamples.kt")) +
            regions(File("src/test/java/dev/omipush/examples/JavaExample.java")) +
            // Compiled and run by the Ktor module (it depends on this one, not the other way).
            regions(File("ktor/src/test/kotlin/dev/omipush/ktor/ReadmeExample.kt"))
        assertEquals(8, compiled.size)
        for (region in compiled) assertTrue(region in blocks, "README lacks this compiled example:\n$region")
        for (block in blocks) assertTrue(block in compiled, "README shows code that is not compiled:\n$block")

        val pom = File("pom.xml").readText()
        val version = Regex("<artifactId>omi-push</artifactId>\\s*<version>([^<]+)</version>").find(pom)!!.groupValues[1]
        assertTrue(readme.contains("<groupId>dev.omipush</groupId>"))
        assertTrue(readme.contains("<artifactId>omi-push</artifactId>"))
        assertTrue(readme.contains("<version>$version</version>"), "README names another version than $version")
    }
}
