package dev.omipush

import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.Dispatchers
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
