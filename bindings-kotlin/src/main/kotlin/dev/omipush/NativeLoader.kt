package dev.omipush

import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import com.sun.jna.Platform
import java.io.IOException

/**
 * Finds and loads a native library of omi-push before the generated uniffi layer touches it.
 *
 * Left to itself, JNA fails on a platform without a binary with a raw "library not found" inside
 * the generated `UniffiLib` class initializer, and every later call then fails with
 * `Could not initialize class ...UniffiLib`. This loader runs first: it takes the library from
 * the jar's JNA resource folder of this platform (`linux-x86-64/libomi_push_uniffi.so`,
 * `darwin-aarch64/libomi_push_uniffi.dylib`, `win32-x86-64/omi_push_uniffi.dll`, ...), loads it,
 * and points uniffi's `uniffi.component.<library>.libraryOverride` at the loaded file, so that the
 * generated code and the fast path bind to the same one. When it cannot, every call (the first
 * and each later one) throws the same [OmiException.Config] naming the platform, the folders this
 * jar carries and the platforms omi-push releases support; nothing is cached after a failure.
 *
 * A library built by the user wins: when `uniffi.component.<library>.libraryOverride` is set
 * already, that path (or name) is loaded instead.
 */
internal class NativeLoader(
    /** The library's base name (`omi_push_uniffi`). */
    private val library: String,
    /** The Maven artifact that carries it, for the message. */
    private val artifact: String,
    /** A class of that artifact, whose class loader sees its resources. */
    private val anchor: Class<*>,
) {
    @Volatile
    private var loaded = false

    private val overrideProperty get() = "uniffi.component.$library.libraryOverride"

    /** Loads the library once; throws [OmiException.Config] (every time) when it cannot. */
    fun ensureLoaded() {
        if (!loaded) load()
    }

    @Synchronized
    private fun load() {
        if (loaded) return
        val chosen = System.getProperty(overrideProperty)
        if (chosen != null) {
            open(chosen) { "the library named by -D$overrideProperty=$chosen" }
        } else {
            val (platform, source) = platform()
            val resource = "$platform/${fileName(platform)}"
            val loader = anchor.classLoader ?: ClassLoader.getSystemClassLoader()
            if (loader.getResource(resource) == null) throw missing(platform, source, loader)
            val file = try {
                Native.extractFromResourcePath("/$resource", loader)
            } catch (e: IOException) {
                throw ErrorFields.config("omi-push: cannot unpack $resource from the $artifact jar: ${e.message}")
            }
            open(file.absolutePath) { "$resource of the $artifact jar (platform $platform$source)" }
            System.setProperty(overrideProperty, file.absolutePath)
        }
        loaded = true
    }

    private fun open(path: String, what: () -> String) {
        try {
            NativeLibrary.getInstance(path)
        } catch (e: UnsatisfiedLinkError) {
            throw ErrorFields.config(
                "omi-push: cannot load ${what()}: ${e.message}. Linux libraries need glibc $MIN_GLIBC or newer " +
                    "(musl, e.g. Alpine, is not supported by the jar); supported platforms: ${PLATFORMS.joinToString()}",
            )
        }
    }

    private fun missing(platform: String, source: String, loader: ClassLoader): OmiException {
        val carried = PLATFORMS.filter { loader.getResource("$it/${fileName(it)}") != null }
        return ErrorFields.config(
            "omi-push: no native library for platform $platform$source in the $artifact jar " +
                "(it carries: ${carried.joinToString().ifEmpty { "none" }}; omi-push supports: ${PLATFORMS.joinToString()}). " +
                "To use a library built yourself, set the system property $overrideProperty to its path.",
        )
    }

    internal companion object {
        /** For this binding's tests only: the JNA platform folder to look in instead of this machine's. */
        const val PLATFORM_PROPERTY = "omipush.native.platform"

        /** The JNA resource folders (`Platform.RESOURCE_PREFIX`) a release jar carries. */
        val PLATFORMS = listOf("linux-x86-64", "linux-aarch64", "darwin-x86-64", "darwin-aarch64", "win32-x86-64")

        /** The oldest glibc the Linux libraries of a release run on (built for manylinux2014). */
        const val MIN_GLIBC = "2.17"

        /** The production library of this jar. */
        val CORE = NativeLoader("omi_push_uniffi", "omi-push", NativeLoader::class.java)

        private fun platform(): Pair<String, String> {
            val forced = System.getProperty(PLATFORM_PROPERTY)
            return if (forced != null) {
                forced to " (set by -D$PLATFORM_PROPERTY)"
            } else {
                Platform.RESOURCE_PREFIX to " (os.name=${System.getProperty("os.name")}, os.arch=${System.getProperty("os.arch")})"
            }
        }

        /** The file name JNA gives a library in the folder of [platform]. */
        private fun NativeLoader.fileName(platform: String): String = when {
            platform.startsWith("darwin") -> "lib$library.dylib"
            platform.startsWith("win32") -> "$library.dll"
            else -> "lib$library.so"
        }
    }
}
