package dev.omipush

import com.sun.jna.Callback
import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native
import com.sun.jna.Pointer
import dev.omipush.ffi.FfiConverter
import dev.omipush.ffi.FfiConverterOptionalDouble
import dev.omipush.ffi.FfiConverterOptionalString
import dev.omipush.ffi.FfiConverterSequenceTypeNativeDevice
import dev.omipush.ffi.FfiConverterString
import dev.omipush.ffi.FfiConverterTypeNativeError
import dev.omipush.ffi.FfiConverterTypeNativeOutcome
import dev.omipush.ffi.FfiConverterTypeNativeStatus
import dev.omipush.ffi.FfiConverterTypeNativeTicket
import dev.omipush.ffi.uniffiEnsureInitialized
import java.nio.ByteBuffer
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine

/**
 * The completion path behind the `suspend` functions (see `src/fast.rs`): one direct-mapped JNA
 * call starts the operation as a task on the native runtime, and one callback delivers its
 * uniffi-serialised result. No JNA `Structure` is allocated (uniffi's async calls allocate a
 * dozen per operation), and the native threads that deliver results stay attached to the JVM.
 * Cancelling the coroutine aborts the native task, which then delivers nothing.
 */
internal object FastPath {
    /**
     * An operation of `src/fast.rs`: its code, the converter of its result and those of its
     * arguments, in order. FastPathProtocolTest reads `src/fast.rs` and fails when the two sides
     * disagree on any of them.
     */
    class Op<T>(val code: Int, val result: FfiConverter<T, *>, vararg val args: FfiConverter<*, *>)

    val LIST_DEVICES = Op(1, FfiConverterSequenceTypeNativeDevice, FfiConverterString)
    val SEND_PUSH = Op(
        2,
        FfiConverterTypeNativeTicket,
        FfiConverterString, // user_id
        FfiConverterOptionalString, // device_id
        FfiConverterString, // message
        FfiConverterOptionalString, // nonce
    )
    val CONFIRMATION_STATUS = Op(3, FfiConverterTypeNativeStatus, FfiConverterString)
    val WAIT = Op(
        4,
        FfiConverterTypeNativeOutcome,
        FfiConverterString, // nonce
        FfiConverterOptionalDouble, // timeout_ms
        FfiConverterOptionalDouble, // poll_interval_ms
    )

    const val STATUS_OK = 0
    const val STATUS_ERROR = 1

    const val START_OK = 0
    const val START_CLOSED = 1

    /** Pending operations by id: the raw result goes to their continuation. */
    private val pending = ConcurrentHashMap<Long, CancellableContinuation<Result>>()
    private val nextId = AtomicLong()

    private class Result(val status: Int, val payload: ByteArray)

    /** `extern "C" fn(id: i64, status: i32, data: *const u8, len: i32)`. */
    interface Completion : Callback {
        fun callback(id: Long, status: Int, data: Pointer?, len: Int)
    }

    /** Runs on a native runtime thread: copies the payload (valid only during the call) and resumes. */
    private object Completer : Completion {
        override fun callback(id: Long, status: Int, data: Pointer?, len: Int) {
            val payload = if (data == null || len <= 0) EMPTY else data.getByteArray(0, len)
            pending.remove(id)?.resume(Result(status, payload))
        }
    }

    private val EMPTY = ByteArray(0)

    init {
        // The same library as the generated layer (which checks the uniffi contract first).
        uniffiEnsureInitialized()
        Native.register(
            FastPath::class.java,
            System.getProperty("uniffi.component.omi_push_uniffi.libraryOverride") ?: "omi_push_uniffi",
        )
        // Keep the runtime's threads attached after a callback: attaching a native thread to the
        // JVM for each result, and detaching it again, costs more than the rest of the delivery.
        Native.setCallbackThreadInitializer(Completer, CallbackThreadInitializer(true, false, "omi-push-native"))
        check(omi_kt_init(Completer) == 0) { "omi-push: cannot register the completion callback" }
    }

    @JvmStatic private external fun omi_kt_init(completion: Completion): Int
    @JvmStatic private external fun omi_kt_start(client: Long, op: Int, id: Long, args: ByteArray, len: Int): Int
    @JvmStatic private external fun omi_kt_cancel(id: Long)
    @JvmStatic private external fun omi_kt_running(): Long

    /** Native tasks started and not yet ended or aborted (for tests). */
    fun running(): Long = omi_kt_running()

    /** Serialises [values] with the converters of [op], the way the generated uniffi code does. */
    @Suppress("UNCHECKED_CAST")
    private fun bytes(op: Op<*>, values: Array<out Any?>): ByteArray {
        check(values.size == op.args.size) { "operation ${op.code} takes ${op.args.size} arguments, not ${values.size}" }
        val converters = op.args as Array<FfiConverter<Any?, *>>
        var size = 0L
        for (i in values.indices) size += converters[i].allocationSize(values[i]).toLong()
        val buf = ByteBuffer.allocate(size.toInt())
        for (i in values.indices) converters[i].write(values[i], buf)
        return buf.array().copyOf(buf.position())
    }

    /**
     * Runs operation [op] of the native client [clientId] with [values] and reads its result.
     * Errors arrive as [OmiException]s; a closed client throws [IllegalStateException].
     */
    suspend fun <T> call(clientId: Long, op: Op<T>, vararg values: Any?): T {
        val bytes = bytes(op, values)
        val id = nextId.incrementAndGet()
        val result = suspendCancellableCoroutine { cont ->
            pending[id] = cont
            cont.invokeOnCancellation {
                pending.remove(id)
                omi_kt_cancel(id)
            }
            when (val rc = omi_kt_start(clientId, op.code, id, bytes, bytes.size)) {
                START_OK -> if (cont.isCancelled) omi_kt_cancel(id) // cancelled before the task existed
                else -> {
                    pending.remove(id)
                    cont.resumeWithException(
                        if (rc == START_CLOSED) IllegalStateException("this OmiClient is closed")
                        else ErrorFields.internal("internal error in omi-push; please report it: start failed ($rc)"),
                    )
                }
            }
        }
        val buf = ByteBuffer.wrap(result.payload)
        return when (result.status) {
            STATUS_OK -> op.result.read(buf)
            STATUS_ERROR -> throw FfiConverterTypeNativeError.read(buf).toOmi()
            else -> throw ErrorFields.internal(String(result.payload, Charsets.UTF_8))
        }
    }
}
