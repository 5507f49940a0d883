package dev.omipush

/**
 * The little JSON the simulator handle speaks (objects, arrays, strings, numbers, booleans,
 * null), so that neither the testing helper nor the event listener needs a JSON library: maps, lists, strings, numbers
 * (read as [Long] when integral, else [Double]), booleans and null.
 */
internal object Json {
    fun write(value: Any?): String = StringBuilder().also { write(value, it) }.toString()

    private fun write(v: Any?, out: StringBuilder) {
        when (v) {
            null -> out.append("null")
            is String -> quote(v, out)
            is Boolean, is Int, is Long -> out.append(v.toString())
            is Number -> {
                val d = v.toDouble()
                require(d.isFinite()) { "JSON has no $d" }
                out.append(d.toString())
            }
            is Map<*, *> -> {
                out.append('{')
                v.entries.forEachIndexed { i, (k, x) ->
                    if (i > 0) out.append(',')
                    quote(k as String, out)
                    out.append(':')
                    write(x, out)
                }
                out.append('}')
            }
            is Iterable<*> -> {
                out.append('[')
                v.forEachIndexed { i, x ->
                    if (i > 0) out.append(',')
                    write(x, out)
                }
                out.append(']')
            }
            else -> throw IllegalArgumentException("cannot write ${v::class.simpleName} as JSON")
        }
    }

    private fun quote(s: String, out: StringBuilder) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c < ' ' -> out.append("\\u%04x".format(c.code))
                else -> out.append(c)
            }
        }
        out.append('"')
    }

    /** The value of [text]; [IllegalStateException] when it is not JSON. */
    fun read(text: String): Any? = try {
        Reader(text).run { value().also { space(); check(i == s.length) { "trailing JSON" } } }
    } catch (e: IndexOutOfBoundsException) {
        throw IllegalStateException("the JSON ends early", e)
    } catch (e: NumberFormatException) {
        throw IllegalStateException("a JSON number is malformed", e)
    }

    private class Reader(val s: String) {
        var i = 0

        fun space() {
            while (i < s.length && s[i].isWhitespace()) i++
        }

        fun value(): Any? {
            space()
            check(i < s.length) { "JSON ends early" }
            return when (val c = s[i]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> string()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> {
                    check(c == '-' || c.isDigit()) { "bad JSON at $i" }
                    val start = i
                    while (i < s.length && (s[i].isDigit() || s[i] in "+-.eE")) i++
                    val n = s.substring(start, i)
                    if (n.any { it in ".eE" }) n.toDouble() else n.toLongOrNull() ?: n.toDouble()
                }
            }
        }

        private fun obj(): Map<String, Any?> {
            i++
            val m = LinkedHashMap<String, Any?>()
            space()
            if (s[i] == '}') return m.also { i++ }
            while (true) {
                space()
                val k = string()
                space()
                expect(':')
                m[k] = value()
                space()
                if (s[i++] == '}') return m
                check(s[i - 1] == ',') { "bad JSON at ${i - 1}" }
            }
        }

        private fun arr(): List<Any?> {
            i++
            val l = ArrayList<Any?>()
            space()
            if (s[i] == ']') return l.also { i++ }
            while (true) {
                l.add(value())
                space()
                if (s[i++] == ']') return l
                check(s[i - 1] == ',') { "bad JSON at ${i - 1}" }
            }
        }

        fun expect(c: Char) {
            check(s[i] == c) { "expected $c at $i" }
            i++
        }

        fun word(w: String, v: Any?): Any? {
            check(s.startsWith(w, i)) { "bad JSON at $i" }
            i += w.length
            return v
        }

        fun string(): String {
            expect('"')
            val b = StringBuilder()
            while (true) {
                when (val c = s[i++]) {
                    '"' -> return b.toString()
                    '\\' -> when (val e = s[i++]) {
                        'n' -> b.append('\n')
                        't' -> b.append('\t')
                        'r' -> b.append('\r')
                        'b' -> b.append('\b')
                        'f' -> b.append('\u000c')
                        'u' -> b.append(s.substring(i, i + 4).toInt(16).toChar()).also { i += 4 }
                        else -> b.append(e)
                    }
                    else -> b.append(c)
                }
            }
        }
    }
}
