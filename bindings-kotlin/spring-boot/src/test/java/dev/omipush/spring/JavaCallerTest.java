package dev.omipush.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.omipush.spring.javaapp.JavaApp;
import dev.omipush.testing.Simulator;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The starter from Java: @RequiresStepUp on a Java controller, a StepUpUserResolver lambda. */
@SpringBootTest(
        classes = JavaApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "omi-push.simulator.enabled=true",
            "omi-push.simulator.users[0].id=dave",
            "omi-push.simulator.users[0].devices[0].id=daves-phone",
            "omi-push.step-up.min-gap=0s",
        })
class JavaCallerTest {
    @LocalServerPort int port;

    @Autowired Simulator sim;

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-User", "dave")
                .header("Accept", "text/html")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAnnotatedJavaHandlerRunsOnceAfterTheApproval() throws Exception {
        HttpResponse<String> guarded = get("/payment-method");
        assertEquals(303, guarded.statusCode());
        String start = guarded.headers().firstValue("Location").orElseThrow();
        assertTrue(start.startsWith("/step-up/start?action=change-payment-method"), start);

        HttpResponse<String> pushed = get(start);
        assertEquals(303, pushed.statusCode());
        assertEquals(200, get(pushed.headers().firstValue("Location").orElseThrow()).statusCode());
        sim.approve(sim.pushes().get(sim.pushes().size() - 1).getNonce());
        // The waiting page's poll: the status route sees the approval.
        HttpResponse<String> status = get("/step-up/status?action=change-payment-method&next=%2Fpayment-method");
        assertTrue(status.body().contains("\"verdict\":\"approved\""), status.body());

        HttpResponse<String> page = get("/payment-method");
        assertEquals(200, page.statusCode());
        assertEquals("payment method page", page.body());
        assertEquals(303, get("/payment-method").statusCode(), "spent");
    }
}
