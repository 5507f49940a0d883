package dev.omipush

import dev.omipush.testing.ErrorProbe
import dev.omipush.testing.Simulator
import java.io.File
import java.util.Base64
import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * Runs every scenario of `tests/conformance/` unchanged, each as its own test, through the
 * public API: once with the `suspend` functions and once with the blocking ones. Simulator-side
 * steps go to [Simulator.control].
 */
class ConformanceTest {
    private val dir = File(System.getProperty("omipush.conformanceDir") ?: "../tests/conformance")

    private fun scenarios(): List<File> =
        (dir.listFiles { f -> f.name.endsWith(".json") } ?: emptyArray()).sortedBy { it.name }

    @TestFactory
    fun suspendApi(): List<DynamicTest> = tests(blocking = false)

    @TestFactory
    fun blockingApi(): List<DynamicTest> = tests(blocking = true)

    private fun tests(blocking: Boolean): List<DynamicTest> {
        val files = scenarios()
        assertTrue(files.size >= 15, "expected the conformance scenarios in ${dir.absolutePath}, found ${files.size}")
        return files.flatMap { f ->
            val scenario = JSONObject(f.readText())
            // A step-up scenario runs once per store unless it names one (tests/conformance/README.md).
            val stores = when (val spec = scenario.optJSONObject("stepup")) {
                null -> listOf(null)
                else -> spec.optString("store", "").takeIf { it.isNotEmpty() }?.let { listOf(it) } ?: listOf("memory", "redis")
            }
            stores.map { store ->
                val name = f.nameWithoutExtension + (store?.let { " [$it]" } ?: "")
                DynamicTest.dynamicTest(name) { run(JSONObject(f.readText()), blocking, store) }
            }
        }
    }

    /** The scenario's step-up (with [key]) on [client] and [store] (see tests/conformance/README.md). */
    private fun stepUp(client: OmiClient, spec: JSONObject, store: String, key: String): StepUp {
        val url = when (store) {
            "memory" -> "memory"
            "down" -> "redis://127.0.0.1:1/0"
            else -> System.getenv("OMI_PUSH_REDIS_URL")
                ?: throw StepFailed("OMI_PUSH_REDIS_URL is not set (scripts/with-redis sets it)")
        }
        val options = StepUpOptions(
            maxAge = if (spec.has("max_age_ms")) spec.getDouble("max_age_ms").milliseconds else null,
            maxUnresolved = if (spec.has("max_unresolved")) spec.getInt("max_unresolved") else null,
            minGap = spec.optDouble("min_gap_ms", 0.0).milliseconds,
            store = url,
            storePrefix = "conformance:${java.util.UUID.randomUUID()}:",
        )
        return StepUp(client, key, options)
    }

    /** A saved challenge, changed as a step's `edit` says. */
    private fun edited(text: String, edit: String?): String = when (edit) {
        null, "" -> text
        "flip" -> {
            val mid = text.length / 2
            text.substring(0, mid) + (if (text[mid] == 'A') 'B' else 'A') + text.substring(mid + 1)
        }
        "truncate" -> text.dropLast(5)
        "huge" -> "x".repeat(1 shl 20)
        else -> throw StepFailed("unknown edit $edit")
    }

    private class StepFailed(message: String) : AssertionError(message)

    private fun run(scenario: JSONObject, blocking: Boolean, store: String?) {
        val simConfig = scenario.optJSONObject("sim") ?: JSONObject()
        simConfig.put("mode", "test")
        Simulator.start(simConfig.toString()).use { sim ->
            OmiClient(clientConfig(sim, scenario.optJSONObject("client") ?: JSONObject())).use { client ->
                val api: Api = if (blocking) BlockingApi(client) else SuspendApi(client)
                val tickets = mutableMapOf<String, String>()
                val spec = scenario.optJSONObject("stepup")
                val stepUps = if (spec == null || store == null) null else Pair(
                    stepUp(client, spec, store, "conformance-step-up-key-0123456789abcdef"),
                    stepUp(client, spec, store, "another-step-up-key-0123456789abcdef0123"),
                )
                val ctx = Ctx(api, sim, tickets, mutableMapOf(), stepUps)
                val secrets = listOf(
                    sim.clientSecret,
                    Base64.getEncoder().encodeToString("${sim.clientId}:${sim.clientSecret}".toByteArray()),
                )
                val steps = scenario.getJSONArray("steps")
                for (i in 0 until steps.length()) {
                    val step = steps.getJSONObject(i)
                    step.optString("ticket", "").takeIf { it.isNotEmpty() }?.let { name ->
                        val t = tickets[name] ?: throw StepFailed("step $i: no ticket saved as $name")
                        step.put("nonce", t)
                    }
                    try {
                        runStep(step, ctx, secrets)
                    } catch (e: StepFailed) {
                        throw StepFailed("step $i (${step.getString("do")}): ${e.message}")
                    }
                }
                stepUps?.first?.close()
                stepUps?.second?.close()
            }
        }
    }

    private class Ctx(
        val api: Api,
        val sim: Simulator,
        val tickets: MutableMap<String, String>,
        val challenges: MutableMap<String, String>,
        val stepUps: Pair<StepUp, StepUp>?,
    )

    private fun clientConfig(sim: Simulator, c: JSONObject): OmiConfig {
        var config = if (c.has("access_token")) {
            OmiConfig(baseUrl = sim.baseUrl, accessToken = c.getString("access_token"))
        } else {
            val secret = if (c.optBoolean("wrong_secret")) "wrong-secret" else sim.clientSecret
            OmiConfig(baseUrl = sim.baseUrl, clientId = sim.clientId, clientSecret = secret)
        }
        for (key in c.keySet()) {
            config = when (key) {
                "access_token", "wrong_secret" -> config
                "poll_interval_ms" -> config.copy(pollInterval = c.getDouble(key).milliseconds)
                "request_timeout_ms" -> config.copy(requestTimeout = c.getDouble(key).milliseconds)
                "wait_timeout_ms" -> config.copy(waitTimeout = c.getDouble(key).milliseconds)
                "client_auth" -> config.copy(clientAuth = ClientAuth.valueOf(c.getString(key).uppercase()))
                "token_url" -> config.copy(tokenUrl = c.getString(key))
                "scopes" -> config.copy(scopes = c.getJSONArray(key).map { it as String })
                "max_message_chars" -> config.copy(maxMessageChars = c.getInt(key))
                "max_retries" -> config.copy(maxRetries = c.getInt(key))
                "allow_insecure_http" -> config.copy(allowInsecureHttp = c.getBoolean(key))
                else -> throw StepFailed("client option `$key` is not mapped by this runner")
            }
        }
        return config
    }

    /** A string argument, or `{"repeat": "x", "times": n}`. */
    private fun JSONObject.str(key: String): String? = when (val v = opt(key)) {
        null, JSONObject.NULL -> null
        is String -> v
        is JSONObject -> v.getString("repeat").repeat(v.getInt("times"))
        else -> throw StepFailed("`$key` is neither a string nor a repeat object")
    }

    private fun runStep(step: JSONObject, ctx: Ctx, secrets: List<String>) {
        val (api, sim, tickets) = Triple(ctx.api, ctx.sim, ctx.tickets)
        val expect = step.optJSONObject("expect") ?: JSONObject()
        fun <T> call(block: () -> T, onOk: (T) -> Unit) {
            val started = System.nanoTime()
            fun checkDuration() {
                if (!step.has("max_ms")) return
                val tookMs = (System.nanoTime() - started) / 1_000_000
                if (tookMs > step.getLong("max_ms")) throw StepFailed("took $tookMs ms, more than max_ms ${step["max_ms"]}")
            }
            val result = try {
                block()
            } catch (e: OmiException) {
                checkDuration()
                checkError(e, expect, secrets)
                return
            }
            checkDuration()
            if (expect.has("error")) throw StepFailed("expected error ${expect["error"]}, got $result")
            onOk(result)
        }
        when (step.getString("do")) {
            "list_devices" -> call({ api.listDevices(step.str("user_id")!!) }) { devices ->
                expect.optJSONArray("device_ids")?.let { want ->
                    val ids = devices.map { it.id }
                    if (ids != want.map { it as String }) throw StepFailed("devices $ids, expected $want")
                }
            }
            "send_push" -> call({
                api.sendPush(step.str("user_id")!!, step.str("message")!!, step.str("device_id"), step.str("nonce"))
            }) { ticket ->
                if (PushTicket.parse(ticket.toString()) != ticket) throw StepFailed("ticket does not round-trip")
                step.optString("save", "").takeIf { it.isNotEmpty() }?.let { tickets[it] = ticket.nonce }
            }
            "status" -> call({ api.status(step.str("nonce")!!) }) { status ->
                val got = status.state.name.lowercase()
                if (expect.has("state") && expect.getString("state") != got) {
                    throw StepFailed("state $got (${status.raw}), expected ${expect["state"]}")
                }
            }
            "wait" -> call({
                api.wait(
                    step.str("nonce")!!,
                    step.getLong("timeout_ms"),
                    if (step.has("poll_interval_ms")) step.getLong("poll_interval_ms") else null,
                )
            }) { outcome ->
                val got = outcome.kind.name.lowercase()
                if (expect.has("outcome") && expect.getString("outcome") != got) {
                    throw StepFailed("outcome $got, expected ${expect["outcome"]}")
                }
            }
            "stepup_begin" -> {
                val (main, other) = ctx.stepUps ?: throw StepFailed("a step-up step needs a `stepup` object")
                val su = if (step.optBoolean("other_key")) other else main
                call({ api.begin(su, step.str("user_id") ?: "", step.str("action") ?: "", step.str("message") ?: "", step.str("device_id")) }) { c ->
                    val name = step.optString("save", "")
                    tickets[name] = c.nonce
                    ctx.challenges[name] = c.text
                }
            }
            "stepup_check", "stepup_wait" -> {
                val main = ctx.stepUps?.first ?: throw StepFailed("a step-up step needs a `stepup` object")
                val name = step.getString("challenge")
                val text = edited(ctx.challenges[name] ?: throw StepFailed("no challenge $name"), step.optString("edit", ""))
                val (user, action) = (step.str("user_id") ?: "") to (step.str("action") ?: "")
                call({
                    if (step.getString("do") == "stepup_check") api.check(main, text, user, action)
                    else api.wait(main, text, user, action, step.optLong("timeout_ms", 5000))
                }) { verdict ->
                    val got = verdict.name.lowercase()
                    if (expect.has("verdict") && expect.getString("verdict") != got) {
                        throw StepFailed("verdict $got, expected ${expect["verdict"]}")
                    }
                }
            }
            "error_probe" -> call({ ErrorProbe.raise(step.getString("kind")) }) {}
            else -> try {
                sim.control(step.toString())
            } catch (e: Exception) {
                throw StepFailed("simulator step failed: ${e.message}")
            }
        }
    }

    private fun checkError(e: OmiException, expect: JSONObject, secrets: List<String>) {
        val want = expect.optString("error", "")
        if (want.isEmpty()) throw StepFailed("unexpected ${e.kind} error: ${e.message}")
        if (e.kind != want) throw StepFailed("expected error $want, got ${e.kind}: ${e.message}")
        val expectedClass = when (want) {
            "invalid_argument" -> OmiException.InvalidArgument::class
            "config" -> OmiException.Config::class
            "authentication" -> OmiException.Authentication::class
            "permission_denied" -> OmiException.PermissionDenied::class
            "not_found" -> OmiException.NotFound::class
            "rate_limited" -> OmiException.RateLimited::class
            "server" -> OmiException.Server::class
            "transport" -> OmiException.Transport::class
            "protocol" -> OmiException.Protocol::class
            "cancelled" -> OmiException.Cancelled::class
            "internal" -> OmiException.Internal::class
            "invalid_challenge" -> OmiException.InvalidChallenge::class
            "challenge_mismatch" -> OmiException.ChallengeMismatch::class
            "already_used" -> OmiException.AlreadyUsed::class
            "throttled" -> OmiException.Throttled::class
            "store_unavailable" -> OmiException.StoreUnavailable::class
            else -> throw StepFailed("unknown error kind $want")
        }
        if (!expectedClass.isInstance(e)) throw StepFailed("$want raised as ${e::class.simpleName}")
        checkErrorFields(e, expect)
        if (expect.has("scope")) {
            val scope = e.missingScope
            if (scope != expect.getString("scope")) throw StepFailed("expected scope ${expect["scope"]}, got $scope")
        }
        if (expect.optBoolean("redacted")) {
            for ((how, text) in listOf("message" to e.message.orEmpty(), "toString()" to e.toString())) {
                if (secrets.any { it in text }) throw StepFailed("the error's $how shows a secret: $text")
                if ("***" !in text) throw StepFailed("expected a redacted echo in the error's $how: $text")
            }
        }
    }

    /** Every field the expectation names has the expected value (README: Error fields): `"*"` is any value, `null` none. */
    private fun checkErrorFields(e: OmiException, expect: JSONObject) {
        val shown = mapOf(
            "code" to e.code,
            "retryable" to e.retryable,
            "status" to e.status,
            "server_code" to e.serverCode,
            "request_id" to e.requestId,
            "retry_after_ms" to e.retryAfterMillis,
            "missing_scope" to e.missingScope,
            "field" to e.field,
            "reason" to e.reason,
        )
        for ((key, got) in shown) {
            if (!expect.has(key)) continue
            val want = expect.get(key)
            val same = when {
                want == JSONObject.NULL -> got == null
                want == "*" -> got != null
                want is Number && got is Number -> want.toDouble() == got.toDouble()
                else -> want == got
            }
            if (!same) throw StepFailed("$key is $got, expected $want (${e.message})")
        }
    }

    private interface Api {
        fun listDevices(userId: String): List<Device>
        fun sendPush(userId: String, message: String, deviceId: String?, nonce: String?): PushTicket
        fun status(nonce: String): Status
        fun wait(nonce: String, timeoutMs: Long, pollIntervalMs: Long?): Outcome
        fun begin(su: StepUp, userId: String, action: String, message: String, deviceId: String?): Challenge
        fun check(su: StepUp, challenge: String, userId: String, action: String): Verdict
        fun wait(su: StepUp, challenge: String, userId: String, action: String, timeoutMs: Long): Verdict
    }

    private class SuspendApi(val c: OmiClient) : Api {
        override fun listDevices(userId: String) = runBlocking { c.listDevices(userId) }
        override fun sendPush(userId: String, message: String, deviceId: String?, nonce: String?) =
            runBlocking { c.sendPush(userId, message, deviceId, nonce) }
        override fun status(nonce: String) = runBlocking { c.confirmationStatus(nonce) }
        override fun wait(nonce: String, timeoutMs: Long, pollIntervalMs: Long?) =
            runBlocking { c.waitForConfirmation(nonce, timeoutMs.milliseconds, pollIntervalMs?.milliseconds) }
        override fun begin(su: StepUp, userId: String, action: String, message: String, deviceId: String?) =
            runBlocking { su.begin(userId, action, message, deviceId) }
        override fun check(su: StepUp, challenge: String, userId: String, action: String) =
            runBlocking { su.check(challenge, userId, action) }
        override fun wait(su: StepUp, challenge: String, userId: String, action: String, timeoutMs: Long) =
            runBlocking { su.wait(challenge, userId, action, timeoutMs.milliseconds) }
    }

    private class BlockingApi(val c: OmiClient) : Api {
        override fun listDevices(userId: String) = c.listDevicesBlocking(userId)
        override fun sendPush(userId: String, message: String, deviceId: String?, nonce: String?) =
            c.sendPushBlocking(userId, message, deviceId, nonce)
        override fun status(nonce: String) = c.confirmationStatusBlocking(nonce)
        override fun wait(nonce: String, timeoutMs: Long, pollIntervalMs: Long?) =
            c.waitForConfirmationBlocking(nonce, timeoutMs.milliseconds, pollIntervalMs?.milliseconds)
        override fun begin(su: StepUp, userId: String, action: String, message: String, deviceId: String?) =
            su.beginBlocking(userId, action, message, deviceId)
        override fun check(su: StepUp, challenge: String, userId: String, action: String) =
            su.checkBlocking(challenge, userId, action)
        override fun wait(su: StepUp, challenge: String, userId: String, action: String, timeoutMs: Long) =
            su.waitBlocking(challenge, userId, action, timeoutMs.milliseconds)
    }
}
