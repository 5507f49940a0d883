package dev.omipush.spring

import dev.omipush.OmiConfig
import dev.omipush.testing.Simulator
import org.springframework.boot.autoconfigure.AutoConfiguration
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty
import org.springframework.boot.context.properties.EnableConfigurationProperties
import org.springframework.context.annotation.Bean

/**
 * `omi-push.simulator.enabled=true` with omi-push-testing on the classpath: the embedded OMI
 * simulator (development and tests only), seeded with `omi-push.simulator.users`, and the
 * client configured for it.
 */
@AutoConfiguration(before = [OmiPushAutoConfiguration::class])
@ConditionalOnClass(name = ["dev.omipush.testing.Simulator"])
@ConditionalOnProperty(prefix = "omi-push.simulator", name = ["enabled"], havingValue = "true")
@EnableConfigurationProperties(OmiPushProperties::class)
class OmiPushSimulatorAutoConfiguration {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    fun omiPushSimulator(properties: OmiPushProperties): Simulator {
        val p = properties.simulator
        val users = p.users.joinToString(",", "[", "]") { u ->
            val devices = u.devices.joinToString(",", "[", "]") { d ->
                obj("id" to d.id, "name" to d.name, "platform" to d.platform)
            }
            """{"id":${str(u.id)},"devices":$devices}"""
        }
        val secret = p.clientSecret?.let { ""","client_secret":${str(it)}""" } ?: ""
        return Simulator.start("""{"users":$users$secret}""")
    }

    private fun obj(vararg fields: Pair<String, String?>): String =
        fields.filter { it.second != null }.joinToString(",", "{", "}") { (k, v) -> "${str(k)}:${str(v!!)}" }

    private fun str(s: String): String = buildString {
        append('"')
        for (c in s) {
            when {
                c == '"' || c == '\\' -> append('\\').append(c)
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
        }
        append('"')
    }

    /** The client's configuration: the simulator's URL and credentials. */
    @Bean
    @ConditionalOnMissingBean
    fun omiPushSimulatorConfig(simulator: Simulator): OmiConfig = simulator.clientConfig()
}
