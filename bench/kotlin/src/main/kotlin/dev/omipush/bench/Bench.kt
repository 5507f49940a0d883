// Kotlin/JVM implementations of the benchmark scenarios (see bench/README.md).
//   java -cp ... dev.omipush.bench.BenchKt omi|httpclient SCENARIO.json   prints one JSON result line
package dev.omipush.bench

import com.fasterxml.jackson.databind.ObjectMapper
import java.io.File
import java.time.Instant
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlin.system.exitProcess

/** The scenario, as the harness writes it. */
class Scenario(json: com.fasterxml.jackson.databind.JsonNode) {
    val scenario: String = json["scenario"].asText()
    val baseUrl: String = json["base_url"].asText()
    val clientId: String = json["client_id"].asText()
    val clientSecret: String = json["client_secret"].asText()
    val userId: String = json["user_id"].asText()
    val deviceId: String = json["device_id"].asText()
    val message: String = json["message"].asText()
    val n: Int = json.path("n").asInt()
    val pollIntervalMs: Long = json.path("poll_interval_ms").asLong()
    val rampMs: Long = json.path("ramp_ms").asLong()
    val timeoutMs: Long = json.path("timeout_ms").asLong()
    val calls: Int = json.path("calls").asInt()
    val concurrency: Int = json.path("concurrency").asInt()
    /** The simulator's certificate (PEM file) to trust over HTTPS, or null (plain HTTP). */
    val caFile: String? = json.path("ca_file").takeIf { it.isTextual }?.asText()
    /** omi-push's `http2` option (`auto`, `always`, `never`), or null. */
    val http2: String? = json.path("http2").takeIf { it.isTextual }?.asText()
    val requestBudget: Int? = json.path("request_budget").takeIf { it.isInt }?.asInt()
}

/** The same four operations over each implementation. */
interface Api {
    suspend fun sendPush(): String
    suspend fun wait(nonce: String): String
    suspend fun status(nonce: String): String
    suspend fun listDevices(): Int
}

private fun nowMs(): Double = Instant.now().let { it.epochSecond * 1000.0 + it.nano / 1e6 }

private fun monoMs(): Double = System.nanoTime() / 1e6

suspend fun run(api: Api, s: Scenario): Map<String, Any?> = withContext(Dispatchers.Default) {
    when (s.scenario) {
        "wait" -> {
            val t0 = monoMs()
            val results = (0 until s.n).map { i ->
                async {
                    delay((t0 + s.rampMs.toDouble() * i / s.n - monoMs()).toLong().coerceAtLeast(0))
                    var nonce: String? = null
                    try {
                        nonce = api.sendPush()
                        listOf(nonce, api.wait(nonce), nowMs())
                    } catch (e: Exception) {
                        listOf(nonce, "error:${e.javaClass.simpleName}", nowMs())
                    }
                }
            }.awaitAll()
            mapOf("results" to results)
        }
        "status" -> {
            val nonce = api.sendPush()
            val lat = ArrayList<Double>(s.calls)
            var errors = 0
            repeat(s.calls) {
                val t = System.nanoTime()
                val state = api.status(nonce)
                lat.add((System.nanoTime() - t) / 1e3)
                if (state != "PENDING") errors++
            }
            mapOf("lat_us" to lat, "errors" to errors)
        }
        "token" -> {
            val t = System.nanoTime()
            val ok = (0 until s.concurrency).map { async { runCatching { api.listDevices() }.isSuccess } }
                .awaitAll().count { it }
            mapOf("ok" to ok, "wall_ms" to (System.nanoTime() - t) / 1e6)
        }
        else -> error("unknown scenario ${s.scenario}")
    }
}

fun main(args: Array<String>) {
    val mapper = ObjectMapper()
    val s = Scenario(mapper.readTree(File(args[1])))
    val api: Api = when (args[0]) {
        "httpclient" -> HttpClientApi(s)
        // Compiled only when the Kotlin binding is built (the `omi` Maven profile).
        "omi" -> Class.forName("dev.omipush.bench.OmiApi").getConstructor(Scenario::class.java).newInstance(s) as Api
        else -> error("unknown implementation ${args[0]}")
    }
    val result = runBlocking { run(api, s) }
    println(mapper.writeValueAsString(result))
    System.out.flush()
    exitProcess(0)
}
