package dev.omipush.logging

import java.util.concurrent.ConcurrentLinkedQueue
import org.slf4j.ILoggerFactory
import org.slf4j.IMarkerFactory
import org.slf4j.Logger
import org.slf4j.Marker
import org.slf4j.event.Level
import org.slf4j.helpers.BasicMarkerFactory
import org.slf4j.helpers.LegacyAbstractLogger
import org.slf4j.helpers.MessageFormatter
import org.slf4j.helpers.NOPMDCAdapter
import org.slf4j.spi.MDCAdapter
import org.slf4j.spi.SLF4JServiceProvider

/**
 * A tiny SLF4J test provider: while [enabled], loggers under `dev.omipush` are on at every
 * level and their records are kept in [records]; otherwise every logger is off (so the rest
 * of the suite runs as with SLF4J's no-op default).
 */
class CapturingProvider : SLF4JServiceProvider {
    data class Record(val logger: String, val level: Level, val message: String, val thrown: Throwable?)

    companion object {
        @Volatile
        var enabled = false
        val records = ConcurrentLinkedQueue<Record>()
    }

    private class CapturingLogger(private val loggerName: String) : LegacyAbstractLogger() {
        init {
            name = loggerName
        }

        private fun on() = enabled && loggerName.startsWith("dev.omipush")
        override fun isTraceEnabled() = on()
        override fun isDebugEnabled() = on()
        override fun isInfoEnabled() = on()
        override fun isWarnEnabled() = on()
        override fun isErrorEnabled() = on()
        override fun getFullyQualifiedCallerName(): String? = null

        override fun handleNormalizedLoggingCall(
            level: Level,
            marker: Marker?,
            messagePattern: String?,
            arguments: Array<out Any?>?,
            throwable: Throwable?,
        ) {
            if (!on()) return
            records += Record(loggerName, level, MessageFormatter.basicArrayFormat(messagePattern, arguments), throwable)
        }
    }

    private val factory = ILoggerFactory { CapturingLogger(it) }
    private val markers = BasicMarkerFactory()
    private val mdc = NOPMDCAdapter()

    override fun getLoggerFactory(): ILoggerFactory = factory
    override fun getMarkerFactory(): IMarkerFactory = markers
    override fun getMDCAdapter(): MDCAdapter = mdc
    override fun getRequestedApiVersion(): String = "2.0.99"
    override fun initialize() {}
}
