package dev.omipush.spring

import java.time.Duration
import org.springframework.boot.context.properties.ConfigurationProperties

/**
 * `omi-push.*` application properties. Either a real tenant ([baseUrl], [clientId],
 * [clientSecret]) or the embedded simulator ([simulator] `.enabled=true`, for development and
 * tests). The flow's routes live below [mount]; [message] is what the phone shows.
 */
@ConfigurationProperties(prefix = "omi-push")
class OmiPushProperties {
    /** The OMI tenant's base URL (unset = the embedded simulator must be enabled). */
    var baseUrl: String? = null
    var clientId: String? = null
    var clientSecret: String? = null

    /** Where the flow's routes are served (the device picker, the waiting page, its status route). */
    var mount: String = "/step-up"

    /** The text shown on the phone. */
    var message: String = "Confirm this action"

    /** Where the flow's value is kept between requests: the HttpSession or its own cookie. */
    var session: SessionStorage = SessionStorage.HTTP_SESSION

    /** The name of the cookie when [session] is `cookie`. */
    var cookieName: String = "omi_step_up"

    /**
     * Guards by path, for handlers without [RequiresStepUp] (static pages, other frameworks'
     * handlers): `omi-push.guards[0].pattern=/admin/{*rest}`, `omi-push.guards[0].action=admin`.
     * Spring's PathPattern syntax; the first match wins; an annotation wins over a pattern.
     */
    var guards: MutableList<PathGuard> = mutableListOf()

    val stepUp = StepUp()
    val simulator = SimulatorProperties()

    /** Where the flow's value lives. */
    enum class SessionStorage {
        /** An attribute of the servlet HttpSession (the default). */
        HTTP_SESSION,

        /**
         * An HttpOnly, SameSite=Lax cookie: every instance of the app reads it without a shared
         * session (it holds signed challenges, no secret, each bound to the user and the action
         * and redeemed once in the store).
         */
        COOKIE,
    }

    /** `omi-push.step-up.*`: the signing keys and the challenges' rules. */
    class StepUp {
        /** Signing keys of at least 32 bytes (UTF-8); the first signs, each verifies. Required with a real tenant. */
        var keys: MutableList<String> = mutableListOf()

        /** An approval older than this is refused (default 5 minutes). */
        var maxAge: Duration? = null

        /** Least time between two pushes to one user (default 10 s; 0 = none). */
        var minGap: Duration? = null

        /** Most unresolved challenges per user (default 3). */
        var maxUnresolved: Int? = null

        /** `memory` (one instance, the default) or a `redis://host:port/db` URL shared by every instance. */
        var store: String? = null

        /** Prefix of every Redis key. */
        var storePrefix: String? = null
    }

    class PathGuard {
        var pattern: String = ""
        var action: String = ""
    }

    /** `omi-push.simulator.*`: the embedded OMI simulator (dev.omipush.testing) and its users. */
    class SimulatorProperties {
        var enabled: Boolean = false
        var users: MutableList<SimUser> = mutableListOf()

        /** Its OAuth client secret (unset = a random one per start), e.g. for a second app instance on it. */
        var clientSecret: String? = null
    }

    class SimUser {
        var id: String = ""
        var devices: MutableList<SimDeviceProperties> = mutableListOf()
    }

    class SimDeviceProperties {
        var id: String = ""
        var name: String? = null
        var platform: String? = null
    }
}
