package dev.omipush.testing

import dev.omipush.InternalOmiPushApi
import dev.omipush.OmiException
import dev.omipush.OmiInternal
import dev.omipush.ffi.testingErrorKinds
import dev.omipush.ffi.testingRaiseSample
import dev.omipush.ffi.testingSampleRecordJson

/**
 * The cross-language error probe: the core's sample error of each kind (the same samples in
 * the Python and Node bindings), raised through the normal conversion, and its shared record
 * as JSON to compare the exception's fields with. (The probes are in the production library:
 * they test its own error conversion.)
 */
@OptIn(InternalOmiPushApi::class)
object ErrorProbe {
    /** Every error kind, in the shared record's stable order. */
    @JvmStatic
    fun kinds(): List<String> = OmiInternal.call { testingErrorKinds() }

    /** Throws the [OmiException] of the sample error of [kind]. */
    @JvmStatic
    fun raise(kind: String): Nothing {
        OmiInternal.call { testingRaiseSample(kind) }
        throw IllegalStateException("the sample of $kind did not fail")
    }

    /** The shared error record of the sample error of [kind], as JSON (`null` for an unknown kind). */
    @JvmStatic
    fun sampleRecordJson(kind: String): String = OmiInternal.call { testingSampleRecordJson(kind) }
}
