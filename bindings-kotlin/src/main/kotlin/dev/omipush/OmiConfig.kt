package dev.omipush

import kotlin.time.Duration
import kotlin.time.DurationUnit
import kotlin.time.toKotlinDuration

/** How the client authenticates at the token endpoint. */
enum class ClientAuth {
    /** HTTP Basic (`client_secret_basic`), the vendor's default. */
    BASIC,

    /** `client_id` and `client_secret` in the form body (`client_secret_post`). */
    POST,
}

/** Whether the client speaks HTTP/2. */
enum class Http2 {
    /** HTTP/2 when the server offers it over TLS (ALPN), else HTTP/1.1 (the default). */
    AUTO,

    /** HTTP/2 only (prior knowledge). */
    ALWAYS,

    /** HTTP/1.1 only. */
    NEVER,
}

/** Endpoint path overrides; `null` keeps the default of the wire profile. */
data class OmiPaths @JvmOverloads constructor(
    val devices: String? = null,
    val pushDevice: String? = null,
    val pushAll: String? = null,
    val confirmation: String? = null,
    val confirmationQuery: String? = null,
)

/**
 * Configuration of an [OmiClient]. Give either [clientId] and [clientSecret] (OAuth2 client
 * credentials, cached and refreshed by the client) or [accessToken] (used as is). Unset values
 * take the core's defaults. Validated when the client is built ([OmiException.Config]).
 *
 * `toString()` never shows the secret or the token. From Java, use [OmiConfig.builder].
 */
data class OmiConfig(
    val baseUrl: String,
    val clientId: String? = null,
    val clientSecret: String? = null,
    val accessToken: String? = null,
    val clientAuth: ClientAuth? = null,
    val tokenUrl: String? = null,
    val scopes: List<String>? = null,
    /** Timeout of one HTTP request (attempt). */
    val requestTimeout: Duration? = null,
    /** Timeout of connecting to the server. */
    val connectTimeout: Duration? = null,
    /** Default time between two polls of a wait (1 s). */
    val pollInterval: Duration? = null,
    /** Default timeout of a wait (120 s). */
    val waitTimeout: Duration? = null,
    /** Deadline of one whole call (every attempt, retry and token refresh of it). */
    val callTimeout: Duration? = null,
    val maxRetries: Int? = null,
    /** Largest response body read from the server; a bigger one is a protocol error. */
    val maxResponseBytes: Long? = null,
    /** Requests a second for the whole client, shared fairly by every call and wait (off when unset). */
    val requestBudget: Int? = null,
    val http2: Http2? = null,
    val paths: OmiPaths? = null,
    val maxMessageChars: Int? = null,
    /** Allows `http://` to a host that is not loopback. Only for test networks. */
    val allowInsecureHttp: Boolean = false,
    /** An extra trusted CA certificate (PEM). */
    val caCertPem: String? = null,
    /** Names the caller in the User-Agent. */
    val userAgentSuffix: String? = null,
    /** Receives every event of the client (requests, retries, rate limits, pushes, waits). */
    val eventListener: OmiEventListener? = null,
) {
    override fun toString(): String = buildString {
        append("OmiConfig(baseUrl=").append(baseUrl)
        if (clientId != null) append(", clientId=").append(clientId)
        if (clientSecret != null) append(", clientSecret=***")
        if (accessToken != null) append(", accessToken=***")
        clientAuth?.let { append(", clientAuth=").append(it) }
        tokenUrl?.let { append(", tokenUrl=").append(it) }
        scopes?.let { append(", scopes=").append(it) }
        requestTimeout?.let { append(", requestTimeout=").append(it) }
        connectTimeout?.let { append(", connectTimeout=").append(it) }
        pollInterval?.let { append(", pollInterval=").append(it) }
        waitTimeout?.let { append(", waitTimeout=").append(it) }
        callTimeout?.let { append(", callTimeout=").append(it) }
        maxRetries?.let { append(", maxRetries=").append(it) }
        maxResponseBytes?.let { append(", maxResponseBytes=").append(it) }
        requestBudget?.let { append(", requestBudget=").append(it) }
        http2?.let { append(", http2=").append(it) }
        paths?.let { append(", paths=").append(it) }
        maxMessageChars?.let { append(", maxMessageChars=").append(it) }
        if (allowInsecureHttp) append(", allowInsecureHttp=true")
        if (caCertPem != null) append(", caCertPem=<").append(caCertPem.length).append(" chars>")
        userAgentSuffix?.let { append(", userAgentSuffix=").append(it) }
        if (eventListener != null) append(", eventListener")
        append(")")
    }

    /**
     * The core's `ClientOptions` record as JSON (snake_case names, milliseconds), without the
     * secret and the token, which travel as separate arguments. The core validates every value.
     */
    @JvmSynthetic
    internal fun toNative(): String = Json.write(
        mapOf(
            "base_url" to arg(baseUrl, "base_url"),
            "client_id" to clientId,
            "client_auth" to clientAuth?.name?.lowercase(),
            "token_url" to tokenUrl,
            "scopes" to scopes,
            "request_timeout_ms" to requestTimeout?.jsonMillis(),
            "connect_timeout_ms" to connectTimeout?.jsonMillis(),
            "poll_interval_ms" to pollInterval?.jsonMillis(),
            "wait_timeout_ms" to waitTimeout?.jsonMillis(),
            "call_timeout_ms" to callTimeout?.jsonMillis(),
            "max_retries" to maxRetries,
            "max_response_bytes" to maxResponseBytes,
            "request_budget" to requestBudget,
            "http2" to http2?.name?.lowercase(),
            "paths" to paths?.let {
                mapOf(
                    "devices" to it.devices,
                    "push_device" to it.pushDevice,
                    "push_all" to it.pushAll,
                    "confirmation" to it.confirmation,
                    "confirmation_query" to it.confirmationQuery,
                ).filterValues { v -> v != null }
            },
            "max_message_chars" to maxMessageChars,
            "allow_insecure_http" to allowInsecureHttp,
            "ca_cert_pem" to caCertPem,
            "user_agent_suffix" to (userAgentSuffix ?: defaultUserAgent),
        ).filterValues { it != null },
    )

    /** A builder for Java callers (and anyone who prefers one). */
    class Builder(private var config: OmiConfig) {
        fun clientCredentials(clientId: String, clientSecret: String) =
            apply { config = config.copy(clientId = clientId, clientSecret = clientSecret, accessToken = null) }

        fun accessToken(token: String) =
            apply { config = config.copy(accessToken = token, clientId = null, clientSecret = null) }

        fun clientAuth(auth: ClientAuth) = apply { config = config.copy(clientAuth = auth) }
        fun tokenUrl(url: String) = apply { config = config.copy(tokenUrl = url) }
        fun scopes(scopes: List<String>) = apply { config = config.copy(scopes = scopes.toList()) }
        fun requestTimeout(d: java.time.Duration) = apply { config = config.copy(requestTimeout = d.toKotlinDuration()) }
        fun pollInterval(d: java.time.Duration) = apply { config = config.copy(pollInterval = d.toKotlinDuration()) }
        fun waitTimeout(d: java.time.Duration) = apply { config = config.copy(waitTimeout = d.toKotlinDuration()) }
        fun connectTimeout(d: java.time.Duration) = apply { config = config.copy(connectTimeout = d.toKotlinDuration()) }
        fun callTimeout(d: java.time.Duration) = apply { config = config.copy(callTimeout = d.toKotlinDuration()) }
        fun maxRetries(n: Int) = apply { config = config.copy(maxRetries = n) }
        fun maxResponseBytes(n: Long) = apply { config = config.copy(maxResponseBytes = n) }
        fun requestBudget(n: Int) = apply { config = config.copy(requestBudget = n) }
        fun http2(mode: Http2) = apply { config = config.copy(http2 = mode) }
        fun paths(paths: OmiPaths) = apply { config = config.copy(paths = paths) }
        fun maxMessageChars(n: Int) = apply { config = config.copy(maxMessageChars = n) }
        fun allowInsecureHttp(allow: Boolean) = apply { config = config.copy(allowInsecureHttp = allow) }
        fun caCertPem(pem: String) = apply { config = config.copy(caCertPem = pem) }
        fun userAgentSuffix(suffix: String) = apply { config = config.copy(userAgentSuffix = suffix) }
        fun eventListener(listener: OmiEventListener) = apply { config = config.copy(eventListener = listener) }
        fun build(): OmiConfig = config
    }

    companion object {
        @JvmStatic
        fun builder(baseUrl: String): Builder = Builder(OmiConfig(baseUrl))

        private val defaultUserAgent: String by lazy {
            "kotlin/${KotlinVersion.CURRENT}; java/${System.getProperty("java.version") ?: "?"}"
        }
    }
}

@JvmSynthetic
internal fun Duration.toMillis(): Double = toDouble(DurationUnit.MILLISECONDS)

/** Milliseconds for JSON, which has no infinity: an infinite duration is one the core refuses as too long. */
private fun Duration.jsonMillis(): Double = toMillis().let { if (it.isInfinite()) (if (it > 0) 1e300 else -1e300) else it }
