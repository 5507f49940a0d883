package dev.omipush.examples;

// The README's Java example, compiled and run by the build.

import dev.omipush.OmiClient;
import dev.omipush.OmiConfig;
import dev.omipush.OmiException;
import dev.omipush.Outcome;
import dev.omipush.PushTicket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

public final class JavaExample {
    private JavaExample() {}

    // readme:java
    public static CompletableFuture<Boolean> confirm(OmiClient omi, String userId, String deviceId) {
        return omi.sendPushAsync(userId, "Confirm the new payee", deviceId)
                .thenCompose(ticket -> omi.waitForConfirmationAsync(ticket.getNonce(), Duration.ofSeconds(60)))
                .thenApply(Outcome::isConfirmed);
    }

    public static boolean confirmBlocking(String baseUrl, String clientId, String secret, String userId) {
        OmiConfig config = OmiConfig.builder(baseUrl)
                .clientCredentials(clientId, secret)
                .pollInterval(Duration.ofMillis(500))
                .build();
        try (OmiClient omi = new OmiClient(config)) {
            PushTicket ticket = omi.sendPushBlocking(userId, "Confirm the new payee");
            Outcome outcome = omi.waitForConfirmationBlocking(ticket.getNonce(), Duration.ofSeconds(60));
            return outcome.isConfirmed();
        } catch (OmiException.NotFound e) {
            return false; // unknown user or no enrolled device
        }
    }
    // end
}
