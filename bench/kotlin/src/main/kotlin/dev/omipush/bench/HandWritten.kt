// The baseline: an OMI push client as a competent Kotlin developer writes it with
// java.net.http.HttpClient and coroutines. One HttpClient (its connection pool, keep-alive),
// one OAuth token shared by every call (a Mutex makes concurrent first calls wait for a single
// token request), one refresh on a 401, Jackson for JSON, and the same poll cadence as
// omi-push: the first poll one interval after the wait starts, each next one an interval after
// the previous poll started. Over HTTPS it trusts the simulator's certificate the usual way: an
// SSLContext over a trust store holding it. HTTP/1.1 (the h2 rows are the core's and httpx's).
package dev.omipush.bench

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.io.File
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.KeyStore
import java.security.SecureRandom
import java.security.cert.CertificateFactory
import java.time.Duration
import java.util.Base64
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class HttpClientOmi(private val base: String, clientId: String, clientSecret: String, caFile: String? = null) {
    private val http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // plain http: no h2c upgrade attempt on every connection
        .connectTimeout(Duration.ofSeconds(10))
        .apply { if (caFile != null) sslContext(trusting(caFile)) }
        .build()
    private val json = ObjectMapper()
    private val random = SecureRandom()
    private val basic = "Basic " + Base64.getEncoder().encodeToString(
        "${enc(clientId)}:${enc(clientSecret)}".toByteArray(),
    )
    private val tokenLock = Mutex()
    @Volatile private var token: String? = null
    @Volatile private var expiresAt = 0L

    private fun enc(s: String) = URLEncoder.encode(s, Charsets.UTF_8)

    private suspend fun token(stale: String? = null): String {
        token?.let { if (it != stale && System.currentTimeMillis() < expiresAt) return it }
        return tokenLock.withLock {
            token?.let { if (it != stale && System.currentTimeMillis() < expiresAt) return@withLock it }
            val form = "grant_type=client_credentials&scope=" + enc(SCOPES)
            val req = HttpRequest.newBuilder(URI.create("$base/auth/oauth2.0/v1/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build()
            val r = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).await()
            check(r.statusCode() == 200) { "token endpoint: HTTP ${r.statusCode()}" }
            val body = json.readTree(r.body())
            expiresAt = System.currentTimeMillis() + 800L * body["expires_in"].asLong()
            body["access_token"].asText().also { token = it }
        }
    }

    private suspend fun request(method: String, path: String, body: Any? = null): JsonNode {
        fun build(token: String) = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer $token")
            .apply {
                if (body != null) header("Content-Type", "application/json")
                method(method, if (body == null) HttpRequest.BodyPublishers.noBody()
                               else HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
            }
            .build()
        var t = token()
        var r = http.sendAsync(build(t), HttpResponse.BodyHandlers.ofByteArray()).await()
        if (r.statusCode() == 401) { // token revoked or expired early: refresh once, retry once
            t = token(stale = t)
            r = http.sendAsync(build(t), HttpResponse.BodyHandlers.ofByteArray()).await()
        }
        check(r.statusCode() in 200..299) { "$method $path: HTTP ${r.statusCode()}" }
        return json.readTree(r.body())
    }

    suspend fun listDevices(userId: String): JsonNode = request("GET", "/omi/users/${enc(userId)}/devices")["devices"]

    suspend fun sendPush(userId: String, deviceId: String, message: String): String {
        val nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteArray(18).also(random::nextBytes))
        request("POST", "/omi/push/user/${enc(userId)}/device/${enc(deviceId)}", mapOf("message" to message, "nonce" to nonce))
        return nonce
    }

    suspend fun status(nonce: String): String =
        request("GET", "/omi/push/confirmation?nonce=${enc(nonce)}")["status"].asText().uppercase()

    suspend fun wait(nonce: String, timeoutMs: Long, intervalMs: Long): String {
        val deadline = System.nanoTime() + timeoutMs * 1_000_000
        var next = System.nanoTime() + intervalMs * 1_000_000
        while (next < deadline) {
            delay(((next - System.nanoTime()) / 1_000_000).coerceAtLeast(0))
            val started = System.nanoTime()
            val state = try {
                status(nonce)
            } catch (e: Exception) {
                null // transient: try again next interval
            }
            FINAL[state]?.let { return it }
            next = started + intervalMs * 1_000_000
        }
        return "timed_out"
    }

    companion object {
        /** An SSLContext that trusts the certificates of a PEM file (the usual way: a trust store). */
        fun trusting(pemFile: String): SSLContext {
            val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply { load(null, null) }
            File(pemFile).inputStream().use { input ->
                CertificateFactory.getInstance("X.509").generateCertificates(input).forEachIndexed { i, cert ->
                    store.setCertificateEntry("ca-$i", cert)
                }
            }
            val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
            return SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
        }

        const val SCOPES = "credential:omi:devices:get credential:omi:push-notification:device:post " +
            "credential:omi:push-notification:post credential:omi:push-notification:status:get"
        val FINAL = mapOf("CONFIRMED" to "confirmed", "REJECTED" to "rejected", "EXPIRED" to "expired")
    }
}

class HttpClientApi(private val s: Scenario) : Api {
    private val c = HttpClientOmi(s.baseUrl, s.clientId, s.clientSecret, s.caFile)
    override suspend fun sendPush() = c.sendPush(s.userId, s.deviceId, s.message)
    override suspend fun wait(nonce: String) = c.wait(nonce, s.timeoutMs, s.pollIntervalMs)
    override suspend fun status(nonce: String) = c.status(nonce)
    override suspend fun listDevices() = c.listDevices(s.userId).size()
}
