package dev.omipush

import dev.omipush.ffi.checkBlockingAllowed
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext

/**
 * A required argument. Parameter assertions are off in this library (see pom.xml), so a `null`
 * passed from Java arrives here and becomes an [OmiException.InvalidArgument] naming [field],
 * like every other refused argument, instead of a Kotlin `NullPointerException`.
 */
@JvmSynthetic
internal fun <T : Any> arg(value: T?, field: String): T = value ?: throw ErrorFields.nullArgument(field)

/**
 * Results arrive on the native runtime's threads, where a coroutine resumes unless its
 * dispatcher sends it elsewhere. A caller with no dispatcher of its own
 * (`Dispatchers.Unconfined`, or none) would go on running there, where a `...Blocking` call is
 * refused and long work stalls the runtime, so its call runs under [Dispatchers.Default] and it
 * continues there. Callers with a dispatcher resume on it anyway and pay nothing.
 */
@JvmSynthetic
internal suspend inline fun <T> offNativeThreads(crossinline block: suspend () -> T): T {
    val interceptor = coroutineContext[ContinuationInterceptor]
    return if (interceptor == null || interceptor === Dispatchers.Unconfined) {
        withContext(Dispatchers.Default) { block() }
    } else {
        block()
    }
}

/**
 * Runs a suspend form on this thread: every `...Blocking` call of the client, the step-up and
 * the flow. `Thread.interrupt()` (an executor's `shutdownNow`, `Future.cancel(true)`) stops it,
 * its I/O included; the interrupt flag stays set and [OmiException.Cancelled] is thrown. Refused,
 * as the core refuses it, on a thread of the native runtime (where results and events arrive),
 * which it would otherwise deadlock.
 */
@JvmSynthetic
internal fun <T> blocking(block: suspend CoroutineScope.() -> T): T {
    native { checkBlockingAllowed() }
    if (Thread.currentThread().isInterrupted) throw ErrorFields.cancelled("the calling thread is interrupted")
    return try {
        runBlocking(block = block)
    } catch (e: InterruptedException) {
        Thread.currentThread().interrupt()
        throw ErrorFields.cancelled("the waiting thread was interrupted")
    }
}
