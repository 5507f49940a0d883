package dev.omipush.it

import java.io.File
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Runs after `package`, against the built jar (Maven Failsafe). */
class JarIT {
    private val jar = File(System.getProperty("omipush.jar") ?: error("omipush.jar not set"))

    @Test
    fun `the jar carries the native library for JNA`() {
        ZipFile(jar).use { zip ->
            val lib = zip.getEntry("linux-x86-64/libomi_push_uniffi.so")
            assertTrue(lib != null && lib.size > 100_000, "linux-x86-64/libomi_push_uniffi.so missing from $jar")
            assertTrue(zip.getEntry("dev/omipush/OmiClient.class") != null)
            // The testing kit is the omi-push-testing jar: neither its classes nor its library here.
            assertTrue(zip.getEntry("dev/omipush/testing/Simulator.class") == null, "the testing kit is in $jar")
            assertTrue(zip.entries().toList().none { "testing_uniffi" in it.name }, "the simulator library is in $jar")
        }
    }

    @Test
    fun `a JVM using the jar loads the library from it, exits by itself and logs no secret`() = runMain(withSlf4j = true)

    @Test
    fun `the jar works without slf4j-api on the class path (events then only reach a listener)`() = runMain(withSlf4j = false)

    private fun runMain(withSlf4j: Boolean) {
        val deps = File(System.getProperty("omipush.runtimeClasspath")).readText().trim()
            .split(File.pathSeparator).filter { withSlf4j || "slf4j" !in it }.joinToString(File.pathSeparator)
        val classpath = listOf(jar.absolutePath, deps, System.getProperty("omipush.testClasses")).joinToString(File.pathSeparator)
        val java = File(System.getProperty("java.home"), "bin/java").absolutePath
        val pb = ProcessBuilder(java, "-cp", classpath, "dev.omipush.it.ExitMainKt").redirectErrorStream(true)
        pb.environment().remove("LD_LIBRARY_PATH")
        pb.environment().remove("JAVA_TOOL_OPTIONS")
        pb.environment()["OMI_PUSH_LOG"] = "trace"
        val process = pb.start()
        val output = StringBuilder()
        val reader = Thread { process.inputStream.bufferedReader().forEachLine { output.appendLine(it) } }.apply { start() }
        val exited = process.waitFor(60, TimeUnit.SECONDS)
        if (!exited) process.destroyForcibly()
        reader.join(5000)
        assertTrue(exited, "the JVM did not exit within 60 s after main returned:\n$output")
        assertEquals(0, process.exitValue(), output.toString())
        assertTrue(output.contains("OK"), output.toString())
        val text = output.toString()
        assertTrue(text.contains("push sent") && text.contains("access token received"), "no core log lines:\n$text")
        assertFalse(text.contains(SECRET), "the client secret was printed:\n$text")
        assertFalse(text.contains(TOKEN), "the static token was printed:\n$text")
        val library = output.lines().first { it.startsWith("library=") }.removePrefix("library=")
        // JNA unpacked it from the jar to a temporary file: nothing on a library path was used.
        assertFalse(library.contains("/target/"), "loaded from $library, not from the jar")
    }
}
