package dev.omipush.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.omipush.Device;
import dev.omipush.OmiClient;
import dev.omipush.OmiConfig;
import dev.omipush.OmiException;
import dev.omipush.Outcome;
import dev.omipush.OutcomeKind;
import dev.omipush.PushTicket;
import dev.omipush.State;
import dev.omipush.Challenge;
import dev.omipush.FlowRequest;
import dev.omipush.FlowResponse;
import dev.omipush.GuardResult;
import dev.omipush.StepUp;
import dev.omipush.StepUpFlow;
import dev.omipush.StepUpOptions;
import dev.omipush.Verdict;
import dev.omipush.testing.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Plain Java, no coroutines: the blocking and the CompletableFuture forms. */
class JavaUsageTest {

    @Test
    void sendAndWaitBlocking() {
        try (Simulator sim = Simulator.start();
             OmiClient client = new OmiClient(OmiConfig.builder(sim.getBaseUrl())
                     .clientCredentials(sim.getClientId(), sim.getClientSecret())
                     .pollInterval(Duration.ofMillis(50))
                     .build())) {
            List<Device> devices = client.listDevicesBlocking("user-1");
            assertEquals("dev-1", devices.get(0).getId());

            PushTicket ticket = client.sendPushBlocking("user-1", "Confirm the new payee", devices.get(0).getId());
            assertEquals(State.PENDING, client.confirmationStatusBlocking(ticket.getNonce()).getState());
            sim.approve(ticket.getNonce());
            Outcome outcome = client.waitForConfirmationBlocking(ticket.getNonce(), Duration.ofSeconds(5));
            assertEquals(OutcomeKind.CONFIRMED, outcome.getKind());
            assertTrue(outcome.isConfirmed());
            assertTrue(outcome.getPolls() >= 1);
            assertTrue(outcome.getElapsedMillis() >= 0);

            PushTicket again = PushTicket.parse(ticket.toString());
            assertEquals(ticket, again);

            OmiException.NotFound e = assertThrows(OmiException.NotFound.class, () -> client.listDevicesBlocking("nobody"));
            assertEquals("USER_NOT_FOUND", e.getServerCode());
            assertEquals("OMI_NOT_FOUND", e.getCode());
            assertEquals(Integer.valueOf(404), e.getStatus());
        }
    }

    @Test
    void sendAndWaitWithCompletableFutures() throws Exception {
        try (Simulator sim = Simulator.start();
             OmiClient client = new OmiClient(OmiConfig.builder(sim.getBaseUrl())
                     .clientCredentials(sim.getClientId(), sim.getClientSecret())
                     .build())) {
            PushTicket ticket = client.sendPushAsync("user-1", "Confirm the transfer", "dev-1").get(10, TimeUnit.SECONDS);
            CompletableFuture<Outcome> waiting =
                    client.waitForConfirmationAsync(ticket.getNonce(), Duration.ofSeconds(5), Duration.ofMillis(50));
            sim.reject(ticket.getNonce());
            String result = waiting
                    .thenApply(o -> o.getKind() == OutcomeKind.REJECTED ? "rejected by the user" : "other")
                    .get(10, TimeUnit.SECONDS);
            assertEquals("rejected by the user", result);

            CompletableFuture<PushTicket> bad = client.sendPushAsync("user-1", "", "dev-1");
            ExecutionException failure = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            OmiException.InvalidArgument invalid = assertInstanceOf(OmiException.InvalidArgument.class, failure.getCause());
            assertEquals("message", invalid.getField());
            assertEquals("invalid_argument", invalid.getKind());
        }
    }

    @Test
    void stepUpFromJava() throws Exception {
        try (Simulator sim = Simulator.start();
             OmiClient client = new OmiClient(OmiConfig.builder(sim.getBaseUrl())
                     .clientCredentials(sim.getClientId(), sim.getClientSecret())
                     .pollInterval(Duration.ofMillis(50)).build());
             StepUp stepUp = new StepUp(client, "a-java-app-key-of-at-least-32-bytes-0123",
                     StepUpOptions.builder().minGap(Duration.ZERO).maxAge(Duration.ofMinutes(2)).build())) {
            assertEquals("dev-1", stepUp.devicesBlocking("user-1").get(0).getId());
            Challenge c = stepUp.beginBlocking("user-1", "close-account", "Close your account?", "dev-1");
            assertEquals(Verdict.PENDING, stepUp.checkBlocking(c.getText(), "user-1", "close-account"));
            CompletableFuture<Verdict> verdict = stepUp.waitAsync(c.getText(), "user-1", "close-account", Duration.ofSeconds(10));
            sim.approve(c.getNonce());
            assertEquals(Verdict.APPROVED, verdict.get(10, TimeUnit.SECONDS));
            assertThrows(OmiException.AlreadyUsed.class,
                    () -> stepUp.waitBlocking(c.getText(), "user-1", "close-account", Duration.ofSeconds(1)));
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> stepUp.checkAsync(c.getText(), "user-2", "close-account").get(10, TimeUnit.SECONDS));
            assertInstanceOf(OmiException.ChallengeMismatch.class, failure.getCause());
        }
    }

    @Test
    void nullFromJavaIsAnOmiException() throws Exception {
        try (Simulator sim = Simulator.start();
             OmiClient client = new OmiClient(OmiConfig.builder(sim.getBaseUrl())
                     .clientCredentials(sim.getClientId(), sim.getClientSecret()).build())) {
            OmiException.InvalidArgument e = assertThrows(OmiException.InvalidArgument.class, () -> client.listDevicesBlocking(null));
            assertEquals("user_id", e.getField());
            assertEquals("message", assertThrows(OmiException.InvalidArgument.class,
                    () -> client.sendPushBlocking("user-1", null)).getField());
            assertEquals("nonce", assertThrows(OmiException.InvalidArgument.class,
                    () -> client.waitForConfirmationBlocking((String) null, Duration.ofSeconds(1))).getField());
            assertEquals("ticket", assertThrows(OmiException.InvalidArgument.class,
                    () -> client.waitForConfirmationBlocking((PushTicket) null)).getField());
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> client.confirmationStatusAsync(null).get(10, TimeUnit.SECONDS));
            assertInstanceOf(OmiException.InvalidArgument.class, failed.getCause());
            assertThrows(OmiException.InvalidArgument.class, () -> new OmiClient(null));
            assertThrows(OmiException.InvalidArgument.class, () -> new StepUp(client, (String) null));
            try (StepUp stepUp = new StepUp(client, "a-java-app-key-of-at-least-32-bytes-0123")) {
                assertEquals("challenge", assertThrows(OmiException.InvalidArgument.class,
                        () -> stepUp.checkBlocking(null, "user-1", "x")).getField());
            }

            // PushTicket overloads of the blocking and future waits.
            PushTicket ticket = client.sendPushBlocking("user-1", "Confirm", "dev-1");
            sim.approve(ticket.getNonce());
            assertEquals(OutcomeKind.CONFIRMED, client.waitForConfirmationBlocking(ticket, Duration.ofSeconds(5)).getKind());
            assertEquals(OutcomeKind.CONFIRMED, client.waitForConfirmationAsync(ticket).get(10, TimeUnit.SECONDS).getKind());
        }
    }

    @Test
    void stepUpFlowFromJava() throws Exception {
        try (Simulator sim = Simulator.start();
             OmiClient client = new OmiClient(OmiConfig.builder(sim.getBaseUrl())
                     .clientCredentials(sim.getClientId(), sim.getClientSecret())
                     .build());
             StepUp stepUp = new StepUp(client, "java-flow-test-key-0123456789abcdef-0123",
                     StepUpOptions.builder().minGap(Duration.ZERO).build());
             StepUpFlow flow = new StepUpFlow(stepUp, "/step-up", "Confirm the new payee")) {
            GuardResult first = flow.guardBlocking("add-payee", "user-1", null, "/payees/new");
            FlowResponse redirect = assertInstanceOf(GuardResult.Respond.class, first).getResponse();
            assertEquals(303, redirect.getStatus());

            Map<String, String> params = Map.of("action", "add-payee", "next", "/payees/new");
            FlowResponse started = flow.handleBlocking(new FlowRequest("GET", "/start", params, "user-1", null));
            assertEquals(303, started.getStatus());
            sim.approve(sim.pushes().get(0).getNonce());
            FlowResponse status = flow.handleAsync(new FlowRequest("GET", "/status", params, "user-1", started.getSession()))
                    .get(5, TimeUnit.SECONDS);
            assertTrue(status.getBody().contains("approved"), status.getBody());
            GuardResult allowed = flow.guardBlocking("add-payee", "user-1", started.getSession(), "/payees/new");
            assertInstanceOf(GuardResult.Allow.class, allowed);
            assertInstanceOf(GuardResult.Respond.class, flow.guardBlocking("add-payee", "user-1", started.getSession(), "/payees/new"));
        }
    }
}
