package dev.omipush.it

import dev.omipush.OmiClient
import dev.omipush.OmiConfig
import dev.omipush.PushTicket
import dev.omipush.testing.Simulator

/**
 * Run in a fresh JVM by [UnsupportedPlatformIT] with `-Domipush.native.platform=<a folder the
 * jars do not have>` (or a library override that does not load): every entry point is called
 * twice and prints what it threw, one line each.
 */
fun main() {
    val calls = listOf<Pair<String, () -> Any?>>(
        "client" to { OmiClient(OmiConfig("http://127.0.0.1:9", clientId = "id", clientSecret = "secret")) },
        "ticket" to { PushTicket.parse("not-a-ticket") },
        "simulator" to { Simulator.start() },
    )
    for ((name, call) in calls) {
        repeat(2) { attempt ->
            val result = try {
                call()
                "no error"
            } catch (e: Throwable) {
                "${e.javaClass.name}: ${e.message}".replace('\n', ' ')
            }
            println("$name ${attempt + 1}: $result")
        }
    }
}
