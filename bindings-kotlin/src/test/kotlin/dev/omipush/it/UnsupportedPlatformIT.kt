package dev.omipush.it

import java.io.File
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * A platform without a binary in the jars (simulated with the loader's test-only property
 * `omipush.native.platform`, in a fresh JVM so that no other test sees it): the first call and
 * every later one throw the same `OmiException.Config` naming the platform, the folders the jar
 * has and the supported list; never JNA's "library not found" or `Could not initialize class`.
 */
class UnsupportedPlatformIT {
    private val jar = File(System.getProperty("omipush.jar") ?: error("omipush.jar not set"))

    @Test
    fun `every call on a platform without a binary throws the same clear OmiException`() {
        val lines = run("-Domipush.native.platform=freebsd-riscv64").lines().filter { it.matches(Regex("^(client|ticket|simulator) [12]: .*")) }
        assertEquals(6, lines.size, "expected two attempts of three calls:\n${lines.joinToString("\n")}")
        for (line in lines) {
            val artifact = if (line.startsWith("simulator")) "omi-push-testing" else "omi-push"
            assertTrue(line.contains("dev.omipush.OmiException\$Config: "), line)
            assertTrue(line.contains("no native library for platform freebsd-riscv64 (set by -Domipush.native.platform)"), line)
            assertTrue(line.contains("in the $artifact jar (it carries: linux-x86-64;"), line)
            assertTrue(
                line.contains("omi-push supports: linux-x86-64, linux-aarch64, darwin-x86-64, darwin-aarch64, win32-x86-64)"),
                line,
            )
            assertFalse(line.contains("Could not initialize") || line.contains("UnsatisfiedLinkError"), line)
        }
        for (name in listOf("client", "ticket", "simulator")) {
            val (first, second) = lines.filter { it.startsWith("$name ") }.map { it.substringAfter(": ") }
            assertEquals(first, second, "the second $name call must fail as the first did")
        }
    }

    @Test
    fun `a library that does not load (old glibc, musl, a broken file) gives a clear OmiException each time`() {
        val notALibrary = File.createTempFile("not-a-library", ".so").apply {
            writeText("this is not a shared library")
            deleteOnExit()
        }
        val lines = run("-Duniffi.component.omi_push_uniffi.libraryOverride=$notALibrary").lines()
            .filter { it.matches(Regex("^(client|ticket) [12]: .*")) }
        assertEquals(4, lines.size, lines.joinToString("\n"))
        for (line in lines) {
            assertTrue(line.contains("dev.omipush.OmiException\$Config: omi-push: cannot load the library named by"), line)
            assertTrue(line.contains("glibc 2.17 or newer"), line)
            assertFalse(line.contains("Could not initialize"), line)
        }
        assertEquals(lines[0].substringAfter(": "), lines[1].substringAfter(": "))
    }

    private fun run(property: String): String {
        val deps = File(System.getProperty("omipush.runtimeClasspath")).readText().trim()
        val classpath = listOf(jar.absolutePath, deps, System.getProperty("omipush.testClasses")).joinToString(File.pathSeparator)
        val java = File(System.getProperty("java.home"), "bin/java").absolutePath
        val pb = ProcessBuilder(java, property, "-cp", classpath, "dev.omipush.it.UnsupportedPlatformMainKt")
            .redirectErrorStream(true)
        pb.environment().remove("JAVA_TOOL_OPTIONS")
        val process = pb.start()
        val output = StringBuilder()
        val reader = Thread { process.inputStream.bufferedReader().forEachLine { output.appendLine(it) } }.apply { start() }
        val exited = process.waitFor(60, TimeUnit.SECONDS)
        if (!exited) process.destroyForcibly()
        reader.join(5000)
        assertTrue(exited, "the JVM did not exit within 60 s:\n$output")
        assertEquals(0, process.exitValue(), output.toString())
        return output.toString()
    }
}
