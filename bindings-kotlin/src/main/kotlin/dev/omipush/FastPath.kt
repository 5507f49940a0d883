package dev.omipush

import com.sun.jna.Callback
import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native
import com.sun.jna.Pointer
import dev.omipush.ffi.FfiConverter
import dev.omipush.ffi.FfiConverterTypeNativeError
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
    const val OP_LIST_DEVICES = 1
    const val OP_SEND_PUSH = 2
    const val OP_CONFIRMATION_STATUS = 3
    const val OP_WAIT = 4
    const val OP_TESTING_PANIC = 99

    private const val STATUS_OK = 0
    private const val STATUS_ERROR = 1

    private const val START_OK = 0
    private const val START_CLOSED = 1

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

    /** Serialises the arguments the way the generated uniffi code does. */
    class Args {
        private val parts = ArrayList<Pair<FfiConverter<Any?, *>, Any?>>(4)

        @Suppress("UNCHECKED_CAST")
        fun <T> add(converter: FfiConverter<T, *>, value: T): Args = apply {
            parts.add((converter as FfiConverter<Any?, *>) to value)
        }

        fun bytes(): ByteArray {
            var size = 0L
            for ((c, v) in parts) size += c.allocationSize(v).toLong()
            val buf = ByteBuffer.allocate(size.toInt())
            for ((c, v) in parts) c.write(v, buf)
            return buf.array().copyOf(buf.position())
        }
    }

    /**
     * Runs operation [op] of the native client [clientId] and reads its result with [converter].
     * Errors arrive as [OmiException]s; a closed client throws [IllegalStateException].
     */
    suspend fun <T> call(clientId: Long, op: Int, args: Args, converter: FfiConverter<T, *>): T {
        val bytes = args.bytes()
        val id = nextId.incrementAndGet()
        val result = suspendCancellableCoroutine { cont ->
            pending[id] = cont
            cont.invokeOnCancellation {
                pending.remove(id)
                omi_kt_cancel(id)
            }
            when (val rc = omi_kt_start(clientId, op, id, bytes, bytes.size)) {
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
            STATUS_OK -> converter.read(buf)
            STATUS_ERROR -> throw FfiConverterTypeNativeError.read(buf).toOmi()
            else -> throw ErrorFields.internal(String(result.payload, Charsets.UTF_8))
        }
    }
}
