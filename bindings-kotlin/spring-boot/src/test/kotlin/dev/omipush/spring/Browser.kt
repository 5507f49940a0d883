package dev.omipush.spring

import java.net.CookieManager
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/** A browser-like HTTP client of the test app: cookies kept, redirects not followed. */
class Browser(private val base: String, private val user: String?) {
    val cookies = CookieManager()
    private val http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build()

    fun get(path: String, accept: String = "text/html"): HttpResponse<String> {
        val b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept)
        user?.let { b.header("X-User", it) }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString())
    }

    fun post(path: String, form: Map<String, String>): HttpResponse<String> {
        val body = form.entries.joinToString("&") { (k, v) -> enc(k) + "=" + enc(v) }
        val b = HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
        user?.let { b.header("X-User", it) }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
    }

    private fun enc(s: String) = URLEncoder.encode(s, Charsets.UTF_8)
}

fun HttpResponse<String>.location(): String = headers().firstValue("Location").orElseThrow()

/** The first form of a page: its action URL and hidden fields (as the browser would post them). */
fun form(html: String): Pair<String, Map<String, String>> {
    fun unescape(s: String) = s.replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
    val action = Regex("""<form[^>]*action="([^"]*)"""").find(html)!!.groupValues[1]
    val hidden = Regex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""").findAll(html)
        .associate { unescape(it.groupValues[1]) to unescape(it.groupValues[2]) }
    return unescape(action) to hidden
}
