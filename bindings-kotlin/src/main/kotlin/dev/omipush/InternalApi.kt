package dev.omipush

/**
 * Marks what the omi-push artifacts share among themselves (the `omi-push-testing` jar uses it):
 * not part of the API, may change in any release. Kotlin refuses to compile a use without
 * `@OptIn(InternalOmiPushApi::class)`.
 */
@RequiresOptIn(
    message = "Internal to the omi-push artifacts (used by omi-push-testing); not a public API.",
    level = RequiresOptIn.Level.ERROR,
)
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS)
annotation class InternalOmiPushApi

/** The pieces of this jar that the `omi-push-testing` jar needs. Not a public API. */
@InternalOmiPushApi
object OmiInternal {
    /** The JSON of the simulator handle ([Json.read]). */
    fun readJson(text: String): Any? = Json.read(text)

    /** The JSON of the simulator handle ([Json.write]). */
    fun writeJson(value: Any?): String = Json.write(value)

    /** A call into this jar's native library, with its errors as [OmiException]s. */
    fun <T> call(block: () -> T): T = native(block)

    /**
     * Loads the native library [library] of another omi-push artifact ([artifact], holding
     * [anchor]) from its JNA resource folder, as this jar loads its own (see [NativeLoader]):
     * returns a function that loads it once, or throws the same [OmiException.Config] each time.
     */
    fun nativeLoader(library: String, artifact: String, anchor: Class<*>): () -> Unit =
        NativeLoader(library, artifact, anchor)::ensureLoaded
}
