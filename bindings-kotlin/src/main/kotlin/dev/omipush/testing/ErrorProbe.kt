package dev.omipush.testing

import dev.omipush.OmiException
import dev.omipush.native
import dev.omipush.ffi.testingErrorKinds
import dev.omipush.ffi.testingRaiseSample
import dev.omipush.ffi.testingSampleRecordJson

/**
 * The cross-language error probe: the core's sample error of each kind (the same samples in
 * the Python and Node bindings), raised through the normal conversion, and its shared record
 * as JSON to compare the exception's fields with.
 */
object ErrorProbe {
    /** Every error kind, in the shared record's stable order. */
    @JvmStatic
    fun kinds(): List<String> = testingErrorKinds()

    /** Throws the [OmiException] of the sample error of [kind]. */
    @JvmStatic
    fun raise(kind: String): Nothing {
        native { testingRaiseSample(kind) }
        throw IllegalStateException("the sample of $kind did not fail")
    }

    /** The shared error record of the sample error of [kind], as JSON (`null` for an unknown kind). */
    @JvmStatic
    fun sampleRecordJson(kind: String): String = testingSampleRecordJson(kind)
}
