package dev.omipush.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.omipush.spring.KotlinRuntimeCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import kotlin.KotlinVersion;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The app starts on Spring Boot's parent with the two version properties of its pom: Kotlin and
 * coroutines are the ones omi-push needs (not Boot's older ones), and the guard is on.
 * The whole flow in a real browser: test/browser.test.js (make test).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoApplicationTest {
    @LocalServerPort int port;

    @Test
    void kotlinAndCoroutinesAreNotDowngradedBySpringBoot() {
        assertTrue(KotlinVersion.CURRENT.isAtLeast(2, 4), KotlinVersion.CURRENT.toString());
        String jar = kotlinx.coroutines.Job.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertTrue(jar.contains("1.11.0"), jar);
        assertEquals(null, KotlinRuntimeCheck.problem(KotlinVersion.CURRENT.toString(), KotlinRuntimeCheck.coroutinesVersion()));
    }

    @Test
    void aRealTenantFromTheEnvironmentVariablesOfTheReadme() {
        Map<String, Object> p = DemoApplication.fromEnvironment(Map.of(
                "OMI_BASE_URL", "https://tenant.example",
                "OMI_CLIENT_ID", "shop",
                "OMI_CLIENT_SECRET", "s3cret",
                "STEP_UP_KEY", "0123456789abcdef0123456789abcdef",
                "REDIS_URL", "redis://127.0.0.1:6379/0"));
        assertEquals("false", p.get("omi-push.simulator.enabled"));
        assertEquals("https://tenant.example", p.get("omi-push.base-url"));
        assertEquals("shop", p.get("omi-push.client-id"));
        assertEquals("s3cret", p.get("omi-push.client-secret"));
        assertEquals("0123456789abcdef0123456789abcdef", p.get("omi-push.step-up.keys[0]"));
        assertEquals("redis://127.0.0.1:6379/0", p.get("omi-push.step-up.store"));
        assertEquals(null, p.get("omi-push.step-up.min-gap"), "the tenant's throttle stays on");
        // Without OMI_BASE_URL: the simulator (application.properties), no gap between pushes.
        assertEquals("0s", DemoApplication.fromEnvironment(Map.of()).get("omi-push.step-up.min-gap"));
    }

    @Test
    void signedOutTheGuardAnswers401AndSignedInItRedirects() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payment-method")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        HttpResponse<String> login = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> guarded = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/payment-method"))
                        .header("Cookie", cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, guarded.statusCode());
        assertEquals("/step-up/start?action=change-payment-method&next=%2Fpayment-method",
                guarded.headers().firstValue("Location").orElseThrow());
    }
}
