package dev.omipush.spring

import java.io.File
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * What an app gets when Spring Boot's dependency management downgrades Kotlin and coroutines
 * (the pom's properties not set): the starter's check refuses them with the fix in its message.
 * A JVM of its own, with kotlin-stdlib 2.2.20 and kotlinx-coroutines 1.8.0 (target/downgraded).
 */
class DowngradedKotlinTest {
    @Test
    fun `older Kotlin and coroutines are refused at start-up, naming the two properties`() {
        val jars = File("target/downgraded").listFiles()!!.filter { it.name.endsWith(".jar") }
        assertTrue(jars.size == 2, jars.toString())
        val cp = (listOf("target/classes", "target/test-classes") + jars.map { it.path }).joinToString(File.pathSeparator)
        val java = File(System.getProperty("java.home"), "bin/java").path
        val p = ProcessBuilder(java, "-cp", cp, "dev.omipush.spring.DowngradedKotlinMain").redirectErrorStream(true).start()
        assertTrue(p.waitFor(60, TimeUnit.SECONDS))
        val out = p.inputStream.bufferedReader().readText()
        assertTrue(out.startsWith("refused: "), out)
        assertTrue(out.contains("kotlin-stdlib 2.2.20") && out.contains("kotlinx-coroutines 1.8.0"), out)
        assertTrue(out.contains("<kotlin.version>2.4.21</kotlin.version>") && out.contains("<kotlin-coroutines.version>1.11.0</kotlin-coroutines.version>"), out)
    }
}
