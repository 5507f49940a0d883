package dev.omipush.examples.spring;

import dev.omipush.testing.Simulator;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;

/**
 * A demo shop whose "change payment method" page needs a confirmation on the user's phone
 * (omi-push-spring-boot-starter). On the embedded simulator by default; a real tenant through
 * OMI_BASE_URL, OMI_CLIENT_ID, OMI_CLIENT_SECRET (and STEP_UP_KEY, REDIS_URL, DEMO_USER_ID).
 */
@SpringBootApplication
public class DemoApplication {
    public static final String DEMO_DEVICE = "demo-phone";

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(DemoApplication.class);
        app.setDefaultProperties(fromEnvironment(System.getenv()));
        app.run(args);
    }

    /** The environment variables of the README as omi-push.* properties. */
    static Map<String, Object> fromEnvironment(Map<String, String> env) {
        Map<String, Object> p = new HashMap<>();
        String baseUrl = env.get("OMI_BASE_URL");
        if (baseUrl != null && !baseUrl.isEmpty()) {
            p.put("omi-push.simulator.enabled", "false");
            p.put("omi-push.base-url", baseUrl);
            p.put("omi-push.client-id", env.getOrDefault("OMI_CLIENT_ID", ""));
            p.put("omi-push.client-secret", env.getOrDefault("OMI_CLIENT_SECRET", ""));
        } else {
            // On the simulator no gap between two pushes (the demo and its tests push often).
            p.put("omi-push.step-up.min-gap", "0s");
        }
        // A key from your secrets store in production (at least 32 bytes); without it, on the
        // simulator, a fresh one per run.
        if (env.get("STEP_UP_KEY") != null) p.put("omi-push.step-up.keys[0]", env.get("STEP_UP_KEY"));
        if (env.get("REDIS_URL") != null) p.put("omi-push.step-up.store", env.get("REDIS_URL"));
        return p;
    }

    /** Prints the app's URL and the virtual phone page's URL once the server listens. */
    @Bean
    ApplicationListener<WebServerInitializedEvent> printUrls(ObjectProvider<Simulator> simulator) {
        return event -> {
            System.out.println("App:           http://127.0.0.1:" + event.getWebServer().getPort() + "/");
            Simulator sim = simulator.getIfAvailable();
            if (sim != null) {
                System.out.println("Virtual phone: " + sim.phoneUrl(DEMO_DEVICE));
            }
            System.out.flush();
        };
    }
}
