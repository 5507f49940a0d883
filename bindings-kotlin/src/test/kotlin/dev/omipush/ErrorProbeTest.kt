package dev.omipush

import dev.omipush.testing.ErrorProbe
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The cross-language error probe: each kind's sample error has the shared record's values. */
class ErrorProbeTest {
    private fun JSONObject.str(key: String): String? = if (isNull(key)) null else getString(key)

    @Test
    fun `every kind of the shared record has its class, and the fields are the record's`() {
        val kinds = ErrorProbe.kinds()
        assertEquals(16, kinds.size)
        assertEquals(kinds.toSet(), OmiException.BY_KIND.keys)
        val classes = mutableSetOf<String>()
        for (kind in kinds) {
            val record = JSONObject(ErrorProbe.sampleRecordJson(kind))
            val e = assertThrows<OmiException> { ErrorProbe.raise(kind) }
            classes += e::class.simpleName!!
            // The class name is the kind in CamelCase (invalid_argument -> InvalidArgument).
            assertEquals(kind.split('_').joinToString("") { it.replaceFirstChar(Char::uppercase) }, e::class.simpleName)
            assertEquals(record.getString("kind"), e.kind)
            assertEquals(record.getString("code"), e.code)
            assertEquals("OMI_" + kind.uppercase(), e.code)
            assertEquals(record.getString("message"), e.message)
            assertEquals(record.getBoolean("retryable"), e.retryable, kind)
            assertEquals(if (record.isNull("status")) null else record.getInt("status"), e.status, kind)
            assertEquals(record.str("server_code"), e.serverCode, kind)
            assertEquals(record.str("request_id"), e.requestId, kind)
            assertEquals(if (record.isNull("retry_after_ms")) null else record.getDouble("retry_after_ms"), e.retryAfter?.inWholeMilliseconds?.toDouble(), kind)
            assertEquals(record.str("missing_scope"), e.missingScope, kind)
            assertEquals(record.str("field"), e.field, kind)
            assertEquals(record.str("reason"), e.reason, kind)
            assertEquals(record.getBoolean("connect"), e.connect, kind)
            assertEquals(record.getBoolean("timeout"), e.timeout, kind)
        }
        assertEquals(16, classes.size)
        // The samples do carry values, so the comparisons above compare something.
        val limited = assertThrows<OmiException.RateLimited> { ErrorProbe.raise("rate_limited") }
        assertEquals(1500L, limited.retryAfterMillis)
        assertTrue(limited.retryable)
        assertEquals(429, limited.status)
        val server = assertThrows<OmiException.Server> { ErrorProbe.raise("server") }
        assertEquals("SERVICE_UNAVAILABLE", server.serverCode)
        assertEquals(503, server.status)
        assertEquals("req-4", server.requestId)
        assertTrue(assertThrows<OmiException.Transport> { ErrorProbe.raise("transport") }.connect)
        assertTrue(assertThrows<OmiException.PermissionDenied> { ErrorProbe.raise("permission_denied") }.missingScope!!.isNotEmpty())
        assertEquals("user", assertThrows<OmiException.ChallengeMismatch> { ErrorProbe.raise("challenge_mismatch") }.field)
        assertEquals(10_000L, assertThrows<OmiException.Throttled> { ErrorProbe.raise("throttled") }.retryAfterMillis)
    }

    @Test
    fun `an unknown kind is refused`() {
        assertEquals("null", ErrorProbe.sampleRecordJson("nope"))
        val e = assertThrows<OmiException.InvalidArgument> { ErrorProbe.raise("nope") }
        assertEquals("kind", e.field)
        assertNull(e.status)
    }

    @Test
    fun `a kind the binding does not know is an internal error, not another kind`() {
        val e = ErrorFields("brand_new", "OMI_BRAND_NEW", "m", retryable = true).toException()
        assertTrue(e is OmiException.Internal, e::class.simpleName)
        assertTrue(e.message!!.contains("brand_new"))
    }
}
