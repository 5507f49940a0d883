package dev.omipush.spring

import java.io.File
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The README's Java blocks are the tested code: every line of them is in the Java app that
 * JavaCallerTest runs (JavaApp.java), and its XML property lines are in the example's pom.
 */
class ReadmeTest {
    private val readme = File("README.md").readText()

    private fun blocks(lang: String) =
        Regex("```$lang\\n(.*?)```", RegexOption.DOT_MATCHES_ALL).findAll(readme).map { it.groupValues[1] }.toList()

    private fun lines(block: String) = block.lines().map { it.trim() }.filter { it.isNotEmpty() && !it.startsWith("//") }

    @Test
    fun `the Java blocks are lines of the tested Java app`() {
        val app = File("src/test/java/dev/omipush/spring/javaapp/JavaApp.java").readLines().map { it.trim() }
        val java = blocks("java")
        assertTrue(java.size >= 2, "the README has its Java blocks")
        for (block in java) {
            for (line in lines(block)) {
                val code = line.substringBefore(" //").trim()
                assertTrue(app.any { it.contains(code) }, "README line not in JavaApp.java: $line")
            }
        }
    }

    @Test
    fun `the properties blocks are properties of the tests`() {
        val test = File("src/test/kotlin/dev/omipush/spring/StepUpStarterTest.kt").readText()
        val props = blocks("properties")
        assertTrue(props.isNotEmpty())
        for (line in props.flatMap(::lines)) assertTrue(test.contains("\"$line\""), "README property not in StepUpStarterTest: $line")
    }

    @Test
    fun `the version properties are the example's and this build's`() {
        val pom = File("../../examples/spring-boot/pom.xml").readText()
        val props = blocks("xml").first { it.contains("<properties>") }
        for (line in lines(props).filter { it.contains(".version>") }) {
            assertTrue(pom.contains(line), "README property not in the example's pom: $line")
        }
        val own = File("pom.xml").readText()
        assertTrue(own.contains("<kotlin.version>2.4.21</kotlin.version>") && own.contains("<coroutines.version>1.11.0</coroutines.version>"))
    }
}
