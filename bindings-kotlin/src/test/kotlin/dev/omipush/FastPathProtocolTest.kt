package dev.omipush

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The completion path's protocol is written on two sides (`src/fast.rs` and `FastPath.kt`):
 * this test reads the Rust side and fails when the operation codes, the argument types and
 * their order, the result types, or the status and start codes disagree.
 */
class FastPathProtocolTest {
    private val rust = File("src/fast.rs").readText()

    /** The uniffi converter the generated Kotlin uses for a Rust type. */
    private fun converter(rustType: String): String = when (val t = rustType.trim()) {
        "String" -> "FfiConverterString"
        "f64" -> "FfiConverterDouble"
        "Option<String>" -> "FfiConverterOptionalString"
        "Option<f64>" -> "FfiConverterOptionalDouble"
        else -> error("add the converter of `$t` to this test")
    }

    private fun consts(prefix: String): Map<String, Int> =
        Regex("""const ${prefix}_(\w+): i32 = (\d+);""").findAll(rust).associate { it.groupValues[1] to it.groupValues[2].toInt() }

    private data class Shape(val code: Int, val args: List<String>, val result: String)

    /** Each operation of `work()` in `src/fast.rs`: the types it reads and the record it returns. */
    private fun rustOps(): Map<String, Shape> {
        val codes = consts("OP")
        val arms = Regex("""\n\s*OP_(\w+) => \{(.*?)\n        \}""", RegexOption.DOT_MATCHES_ALL).findAll(rust)
        return arms.filter { it.groupValues[1] != "TESTING_PANIC" }.associate { m ->
            val body = m.groupValues[2]
            val types = Regex("""let [^:=]+: (\([^)]*\)|[\w<>]+) =""").find(body)!!.groupValues[1]
            val args = types.removePrefix("(").removeSuffix(")").split(Regex(""",\s*(?![^<]*>)""")).map(::converter)
            val record = Regex("""(Native\w+)::from""").find(body)!!.groupValues[1]
            val result = if ("Vec<_>" in body) "FfiConverterSequenceType$record" else "FfiConverterType$record"
            m.groupValues[1] to Shape(codes.getValue(m.groupValues[1]), args, result)
        }
    }

    private fun kotlinOps(): Map<String, Shape> = FastPath::class.java.declaredFields
        .filter { it.type == FastPath.Op::class.java }
        .associate { f ->
            f.isAccessible = true
            val op = f.get(FastPath) as FastPath.Op<*>
            f.name to Shape(op.code, op.args.map { it::class.java.simpleName }, op.result::class.java.simpleName)
        }

    @Test
    fun `both sides declare the same operations with the same arguments and results`() {
        val rustOps = rustOps()
        assertEquals(setOf("LIST_DEVICES", "SEND_PUSH", "CONFIRMATION_STATUS", "WAIT"), rustOps.keys)
        assertEquals(listOf("FfiConverterString", "FfiConverterOptionalString", "FfiConverterString", "FfiConverterOptionalString"), rustOps.getValue("SEND_PUSH").args)
        assertEquals(rustOps, kotlinOps())
    }

    @Test
    fun `both sides use the same status and start codes`() {
        val status = consts("STATUS")
        val start = consts("START")
        assertEquals(status.getValue("OK"), FastPath.STATUS_OK)
        assertEquals(status.getValue("ERROR"), FastPath.STATUS_ERROR)
        assertEquals(start.getValue("OK"), FastPath.START_OK)
        assertEquals(start.getValue("CLOSED"), FastPath.START_CLOSED)
        assertTrue(status.values.toSet().size == status.size && start.values.toSet().size == start.size)
    }

    @Test
    fun `the panic hook is compiled into debug builds only`() {
        val hooks = Regex("""((?:#\[[^\n]+\]\n\s*)*)(?:const OP_TESTING_PANIC|OP_TESTING_PANIC =>|pub (?:async )?fn testing_panic)""")
        val sources = rust + File("src/testing.rs").readText()
        val found = hooks.findAll(sources).toList()
        assertEquals(4, found.size)
        for (m in found) assertTrue("#[cfg(debug_assertions)]" in m.groupValues[1], "not gated: ${m.value}")
    }
}
