// omi-push's Kotlin binding (OmiClient, suspend API) under the benchmark scenarios.
package dev.omipush.bench

import dev.omipush.Http2
import dev.omipush.OmiClient
import dev.omipush.OmiConfig
import java.io.File
import kotlin.time.Duration.Companion.milliseconds

class OmiApi(private val s: Scenario) : Api {
    private val c = OmiClient(
        OmiConfig(
            baseUrl = s.baseUrl,
            clientId = s.clientId,
            clientSecret = s.clientSecret,
            caCertPem = s.caFile?.let { File(it).readText() },
            http2 = s.http2?.let { Http2.valueOf(it.uppercase()) },
            requestBudget = s.requestBudget,
        ),
    )
    override suspend fun sendPush() = c.sendPush(s.userId, s.message, deviceId = s.deviceId).nonce
    override suspend fun wait(nonce: String) =
        c.waitForConfirmation(nonce, s.timeoutMs.milliseconds, s.pollIntervalMs.milliseconds).kind.name.lowercase()
    override suspend fun status(nonce: String) = c.confirmationStatus(nonce).raw
    override suspend fun listDevices() = c.listDevices(s.userId).size
}
