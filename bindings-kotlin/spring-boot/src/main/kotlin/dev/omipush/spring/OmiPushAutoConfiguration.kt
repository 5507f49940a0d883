package dev.omipush.spring

import dev.omipush.OmiClient
import dev.omipush.OmiConfig
import dev.omipush.StepUp
import dev.omipush.StepUpFlow
import dev.omipush.StepUpOptions
import java.security.SecureRandom
import kotlin.time.toKotlinDuration
import org.springframework.beans.factory.ObjectProvider
import org.springframework.boot.autoconfigure.AutoConfiguration
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
import org.springframework.boot.context.properties.EnableConfigurationProperties
import org.springframework.context.annotation.Bean
import org.springframework.web.servlet.config.annotation.InterceptorRegistry
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer

/**
 * Auto-configuration of omi-push for a Spring MVC app, from `omi-push.*` properties: the
 * client (a real tenant, or the embedded simulator), the [StepUp], the [StepUpFlow], the guard
 * of [RequiresStepUp] handlers and the flow's routes at `omi-push.mount`. Every bean backs off
 * when the app declares its own.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(OmiPushProperties::class)
class OmiPushAutoConfiguration {
    init {
        KotlinRuntimeCheck.require()
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    fun omiPushClient(properties: OmiPushProperties, simulator: ObjectProvider<OmiConfig>): OmiClient {
        val config = simulator.ifAvailable ?: OmiConfig(
            baseUrl = properties.baseUrl ?: throw IllegalStateException(
                "omi-push: set omi-push.base-url, client-id and client-secret (or omi-push.simulator.enabled=true)",
            ),
            clientId = properties.clientId,
            clientSecret = properties.clientSecret,
        )
        return OmiClient(config)
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    fun omiPushStepUp(properties: OmiPushProperties, client: OmiClient): StepUp {
        val p = properties.stepUp
        val keys = p.keys.map { it.toByteArray() }.ifEmpty {
            // Only on the simulator: a fresh key per run (challenges do not outlive the process).
            check(properties.simulator.enabled) { "omi-push: set omi-push.step-up.keys (at least 32 bytes each)" }
            listOf(ByteArray(32).also { SecureRandom().nextBytes(it) })
        }
        val options = StepUpOptions(
            maxAge = p.maxAge?.toKotlinDuration(),
            maxUnresolved = p.maxUnresolved,
            minGap = p.minGap?.toKotlinDuration(),
            store = p.store,
            storePrefix = p.storePrefix,
        )
        return StepUp(client, keys, options)
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    fun omiPushStepUpFlow(properties: OmiPushProperties, stepUp: StepUp): StepUpFlow =
        StepUpFlow(stepUp, properties.mount, properties.message)

    /** The default current user: the request's `Principal` name. */
    @Bean
    @ConditionalOnMissingBean
    fun omiPushUserResolver(): StepUpUserResolver = StepUpUserResolver { it.userPrincipal?.name }

    @Bean
    @ConditionalOnMissingBean
    fun omiPushSessionStore(properties: OmiPushProperties): StepUpSessionStore = when (properties.session) {
        OmiPushProperties.SessionStorage.HTTP_SESSION -> HttpSessionStepUpStore()
        OmiPushProperties.SessionStorage.COOKIE -> CookieStepUpStore(properties.cookieName)
    }

    @Bean
    @ConditionalOnMissingBean
    fun omiPushStepUpController(flow: StepUpFlow, users: StepUpUserResolver, store: StepUpSessionStore): StepUpController =
        StepUpController(flow, users, store)

    @Bean
    fun omiPushStepUpMvc(
        properties: OmiPushProperties,
        flow: StepUpFlow,
        users: StepUpUserResolver,
        store: StepUpSessionStore,
    ): WebMvcConfigurer = object : WebMvcConfigurer {
        override fun addInterceptors(registry: InterceptorRegistry) {
            registry.addInterceptor(StepUpInterceptor(flow, users, store, properties.guards))
        }
    }
}

/**
 * The core jar is compiled with Kotlin 2.4 and kotlinx-coroutines 1.11; Spring Boot 3's
 * dependency management pins older ones (Kotlin 1.9, coroutines 1.8) unless the app sets
 * `kotlin.version` and `kotlin-coroutines.version`. Fail at start-up with that advice instead
 * of a `NoSuchMethodError` later.
 */
object KotlinRuntimeCheck {
    const val MIN_KOTLIN = "2.4.0"
    const val MIN_COROUTINES = "1.11.0"

    @JvmStatic
    fun require() {
        problem(KotlinVersion.CURRENT.toString(), coroutinesVersion())?.let { throw IllegalStateException(it) }
    }

    /** The coroutines version on the classpath, from its jar (`null` = unknown). */
    @JvmStatic
    fun coroutinesVersion(): String? {
        val job = kotlinx.coroutines.Job::class.java
        val file = job.classLoader?.getResource("META-INF/kotlinx_coroutines_core.version")
        return file?.readText()?.trim()?.ifEmpty { null } ?: job.`package`?.implementationVersion
    }

    /** What is wrong with these versions, or `null`. */
    @JvmStatic
    fun problem(kotlin: String, coroutines: String?): String? {
        val bad = buildList {
            if (older(kotlin, MIN_KOTLIN)) add("kotlin-stdlib $kotlin (needs $MIN_KOTLIN+)")
            if (coroutines != null && older(coroutines, MIN_COROUTINES)) {
                add("kotlinx-coroutines $coroutines (needs $MIN_COROUTINES+)")
            }
        }
        if (bad.isEmpty()) return null
        return "omi-push: ${bad.joinToString(" and ")} on the classpath. Spring Boot's dependency management " +
            "downgraded it: set <kotlin.version>2.4.21</kotlin.version> and " +
            "<kotlin-coroutines.version>1.11.0</kotlin-coroutines.version> in your pom's properties " +
            "(Gradle: extra[\"kotlin.version\"], extra[\"kotlin-coroutines.version\"])."
    }

    private fun older(version: String, min: String): Boolean {
        fun parts(v: String) = v.split('.', '-').take(3).map { it.takeWhile(Char::isDigit).toIntOrNull() ?: 0 }
        val a = parts(version)
        val b = parts(min)
        for (i in 0 until 3) {
            val x = a.getOrElse(i) { 0 }
            val y = b.getOrElse(i) { 0 }
            if (x != y) return x < y
        }
        return false
    }
}
