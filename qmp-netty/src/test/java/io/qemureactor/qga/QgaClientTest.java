package io.qemureactor.qga;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.exceptions.QmpCommandException;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpProtocolException;
import io.qemureactor.exceptions.QmpTimeoutException;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.qmp.QmpCommand;
import io.qemureactor.transport.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The guest-agent client against a scripted agent: resync, one in flight, no-reply commands, polling. */
@Timeout(30)
class QgaClientTest {

    private final EmbeddedQgaPeer peer = new EmbeddedQgaPeer();

    @Test
    void theFirstCommandResynchronisesThenRuns() {
        CompletableFuture<Void> ping = peer.client.ping().toFuture();
        long id = peer.expectSync();
        assertThat(peer.next()).as("nothing else until in sync").isNull();
        // the agent answers our bare 0xFF with a parse error, before its own 0xFF
        peer.feed("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\\\uFFFD'\"}}\n");
        peer.answerSync(id);
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(ping).succeedsWithin(Duration.ZERO);

        CompletableFuture<GuestInfo> info = peer.client.info().toFuture();
        peer.expect("guest-info"); // in sync: no second resync
        peer.feed("{\"return\": {\"version\": \"7.2.22\", \"supported_commands\": [{\"enabled\": true, "
                + "\"name\": \"guest-ping\", \"success-response\": true}]}}\n");
        assertThat(info.join().version()).isEqualTo("7.2.22");
        assertThat(info.join().supports("guest-ping")).isTrue();
    }

    @Test
    void staleBytesAndGarbageBeforeTheSentinelAreDiscarded() {
        CompletableFuture<Void> ping = peer.client.ping().toFuture();
        long id = peer.expectSync();
        // left over by an earlier client: a whole reply, garbage, half an object
        peer.feed("{\"return\": {}}\nnot json at all }{ \n{\"return\": {\"half");
        // the sentinel, then replies to older syncs, then ours (split across reads)
        peer.feed(new byte[] {EmbeddedQgaPeer.SENTINEL});
        String ours = "{\"return\": " + (id + 1) + "}\n{\"return\": " + id + "}\n";
        peer.feed(ours.substring(0, ours.length() - 5));
        assertThat(peer.next()).isNull();
        peer.feed(ours.substring(ours.length() - 5));
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(ping).succeedsWithin(Duration.ZERO);
    }

    @Test
    void aSecondSentinelFromAnOlderSyncResetsTheScannerWithoutHarm() {
        CompletableFuture<Void> ping = peer.client.ping().toFuture();
        long id = peer.expectSync();
        // replies to two syncs: an old one (its 0xFF arrives while we already decode JSON), then ours
        peer.feed(new byte[] {EmbeddedQgaPeer.SENTINEL});
        peer.feed("{\"return\": 17}\n{\"ret");
        peer.answerSync(id);
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(ping).succeedsWithin(Duration.ZERO);
    }

    @Test
    void onlyOneCommandIsInFlightAtATime() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());

        CompletableFuture<JsonNode> a = peer.client.execute("guest-get-time", null).toFuture();
        CompletableFuture<JsonNode> b = peer.client.execute("guest-get-host-name", null).toFuture();
        CompletableFuture<JsonNode> c = peer.client.execute("guest-get-timezone", null).toFuture();
        peer.expect("guest-get-time");
        assertThat(peer.next()).as("b waits for a's reply").isNull();
        assertThat(peer.client.queued()).isEqualTo(2);

        peer.feed("{\"return\": 1}\n");
        peer.expect("guest-get-host-name");
        peer.feed("{\"return\": {\"host-name\": \"g\"}}\n");
        peer.expect("guest-get-timezone");
        peer.feed("{\"return\": {\"offset\": 0}}\n");
        assertThat(a.join().asInt()).isEqualTo(1);
        assertThat(b.join().path("host-name").asText()).isEqualTo("g");
        assertThat(c.join().path("offset").asInt()).isZero();
    }

    @Test
    void anErrorReplyIsACommandExceptionAndKeepsTheSessionInSync() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        CompletableFuture<JsonNode> bad = peer.client.execute("guest-nope", null).toFuture();
        peer.expect("guest-nope");
        peer.feed("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command guest-nope has not been found\"}}\n");
        assertThat(bad).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(QmpCommandException.class, e -> assertThat(e.command()).isEqualTo("guest-nope"));
        assertThat(peer.client.needsSync()).isFalse();
    }

    @Test
    void aTimeoutMakesTheNextCommandResynchronise() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        StepVerifier.withVirtualTime(() -> peer.client.ping())
                .expectSubscription()
                .then(() -> peer.expect("guest-ping"))
                .thenAwait(Duration.ofSeconds(30))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpTimeoutException.class)
                        .hasMessageContaining("guest-ping").hasMessageContaining("qga.sock"))
                .verify(Duration.ofSeconds(5));
        assertThat(peer.client.needsSync()).isTrue();

        CompletableFuture<Void> again = peer.client.ping().toFuture();
        long id = peer.expectSync();
        peer.feed("{\"return\": {}}\n"); // the late reply to the timed-out ping: before the sentinel, discarded
        peer.answerSync(id);
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(again).succeedsWithin(Duration.ZERO);
    }

    @Test
    void cancellingTheCommandInFlightMakesTheNextOneResynchronise() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        Disposable d = peer.client.ping().subscribe();
        peer.expect("guest-ping");
        d.dispose();
        assertThat(peer.client.needsSync()).isTrue();
        CompletableFuture<Void> next = peer.client.ping().toFuture();
        peer.answerSync(peer.expectSync());
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(next).succeedsWithin(Duration.ZERO);
    }

    @Test
    void cancellingAQueuedCommandRemovesIt() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        CompletableFuture<JsonNode> first = peer.client.execute("guest-get-time", null).toFuture();
        Disposable second = peer.client.execute("guest-get-host-name", null).subscribe();
        CompletableFuture<JsonNode> third = peer.client.execute("guest-get-timezone", null).toFuture();
        peer.expect("guest-get-time");
        second.dispose();
        peer.feed("{\"return\": 1}\n");
        assertThat(first).succeedsWithin(Duration.ZERO);
        peer.expect("guest-get-timezone");
        peer.feed("{\"return\": {}}\n");
        assertThat(third).succeedsWithin(Duration.ZERO);
    }

    @Test
    void shutdownCompletesWhenWrittenAndTheNextCommandResynchronises() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        CompletableFuture<Void> shutdown = peer.client.shutdown(ShutdownMode.POWERDOWN).toFuture();
        JsonNode request = peer.expect("guest-shutdown");
        assertThat(request.path("arguments").path("mode").asText()).isEqualTo("powerdown");
        assertThat(shutdown).succeedsWithin(Duration.ZERO);
        assertThat(peer.client.needsSync()).isTrue();
    }

    @Test
    void execPollsTheStatusWithBackoffUnderVirtualTime() {
        EmbeddedQgaPeer fixed = new EmbeddedQgaPeer(QmpConnectOptions.defaults()
                .withPollBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withoutJitter()));
        fixed.client.sync().toFuture();
        fixed.answerSync(fixed.expectSync());
        String out = Base64.getEncoder().encodeToString("hi\n".getBytes(StandardCharsets.UTF_8));

        StepVerifier.withVirtualTime(() -> fixed.client.exec("/bin/echo", "hi"))
                .expectSubscription()
                .then(() -> {
                    JsonNode exec = fixed.expect("guest-exec");
                    assertThat(exec.path("arguments").path("path").asText()).isEqualTo("/bin/echo");
                    assertThat(exec.path("arguments").path("arg").get(0).asText()).isEqualTo("hi");
                    assertThat(exec.path("arguments").path("capture-output").asBoolean()).isTrue();
                    fixed.feed("{\"return\": {\"pid\": 4711}}\n");
                    assertThat(fixed.expect("guest-exec-status").path("arguments").path("pid").asLong()).isEqualTo(4711);
                    fixed.feed("{\"return\": {\"exited\": false}}\n");
                })
                .thenAwait(Duration.ofMillis(99))
                .then(() -> assertThat(fixed.next()).as("no poll before the backoff").isNull())
                .thenAwait(Duration.ofMillis(1))
                .then(() -> {
                    fixed.expect("guest-exec-status");
                    fixed.feed("{\"return\": {\"exited\": false}}\n");
                })
                .thenAwait(Duration.ofMillis(200))
                .then(() -> {
                    fixed.expect("guest-exec-status");
                    fixed.feed("{\"return\": {\"exitcode\": 0, \"out-data\": \"" + out + "\", \"exited\": true}}\n");
                })
                .assertNext(r -> {
                    assertThat(r.exitCode()).isZero();
                    assertThat(r.stdout()).isEqualTo("hi\n");
                    assertThat(r.stderr()).isEmpty();
                    assertThat(r.succeeded()).isTrue();
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void awaitReadyResendsItsSyncUntilTheAgentAnswersAnyOfThem() {
        EmbeddedQgaPeer booting = new EmbeddedQgaPeer(QmpConnectOptions.defaults().withSyncTimeout(Duration.ofSeconds(5)));
        long[] early = new long[2];
        StepVerifier.withVirtualTime(() -> booting.client.awaitReady(Duration.ofSeconds(60)))
                .expectSubscription()
                .then(() -> early[0] = booting.expectSync())
                .then(() -> assertThat(booting.next()).isNull())
                .thenAwait(ReactorNettyQgaClient.READY_RESEND) // nobody answered: sent again, not waited out
                .then(() -> early[1] = booting.expectSync())
                .then(() -> {
                    assertThat(early[1]).isNotEqualTo(early[0]);
                    // the agent came up and reads what was queued: the first answer counts...
                    booting.answerSync(early[0]);
                    // ...then an exact resync skips the answer to the second early request
                    long exact = booting.expectSync();
                    booting.answerSync(early[1]);
                    booting.answerSync(exact);
                    booting.expect("guest-ping");
                    booting.feed("{\"return\": {}}\n");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void awaitReadyRetriesWithBackoffWhenNoSyncIsAnsweredInTime() {
        EmbeddedQgaPeer booting = new EmbeddedQgaPeer(QmpConnectOptions.defaults().withSyncTimeout(Duration.ofSeconds(1))
                .withPollBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withoutJitter()));
        StepVerifier.withVirtualTime(() -> booting.client.awaitReady(Duration.ofSeconds(60)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1)) // resent every period, never answered: the attempt times out
                .thenAwait(Duration.ofMillis(100)) // backoff, then a new attempt
                .then(() -> {
                    long last = 0;
                    for (JsonNode m; (m = booting.next()) != null; ) {
                        if ("guest-sync-delimited".equals(m.path("execute").asText())) {
                            last = m.path("arguments").path("id").asLong();
                        }
                    }
                    booting.answerSync(last);
                    long exact = booting.expectSync();
                    booting.answerSync(exact);
                    booting.expect("guest-ping");
                    booting.feed("{\"return\": {}}\n");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void awaitReadyGivesUpAfterItsTimeout() {
        EmbeddedQgaPeer silent = new EmbeddedQgaPeer(QmpConnectOptions.defaults().withSyncTimeout(Duration.ofSeconds(1)));
        StepVerifier.withVirtualTime(() -> silent.client.awaitReady(Duration.ofSeconds(10)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpTimeoutException.class)
                        .hasMessageContaining("guest agent").hasMessageContaining("qga.sock")
                        .hasMessageContaining("last error"))
                .verify(Duration.ofSeconds(5));
        assertThat(silent.channel.isOpen()).isTrue();
    }

    @Test
    void garbageMidSessionFailsTheCommandAndTheNextOneResynchronises() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        CompletableFuture<Void> ping = peer.client.ping().toFuture();
        peer.expect("guest-ping");
        peer.feed("%%% line noise\n");
        assertThat(ping).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpProtocolException.class);
        assertThat(peer.channel.isOpen()).as("not fatal for QGA").isTrue();

        CompletableFuture<Void> next = peer.client.ping().toFuture();
        peer.answerSync(peer.expectSync());
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(next).succeedsWithin(Duration.ZERO);
    }

    @Test
    void networkInterfacesAreDecoded() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        CompletableFuture<List<GuestNetworkInterface>> nics = peer.client.networkInterfaces().toFuture();
        peer.expect("guest-network-get-interfaces");
        peer.feed("{\"return\": [{\"name\": \"eth0\", \"ip-addresses\": [{\"ip-address-type\": \"ipv4\", "
                + "\"ip-address\": \"192.0.2.2\", \"prefix\": 24}], \"hardware-address\": \"52:54:00:00:01:01\"},"
                + " {\"name\": \"ifb0\", \"hardware-address\": \"0E:2C:80:F3:63:95\"}]}\n");
        assertThat(nics.join()).containsExactly(
                new GuestNetworkInterface("eth0", "52:54:00:00:01:01", List.of(new GuestIpAddress("ipv4", "192.0.2.2", 24))),
                new GuestNetworkInterface("ifb0", "0e:2c:80:f3:63:95", List.of()));
    }

    @Test
    void closingFailsTheCommandInFlightNamingTheSocket() {
        CompletableFuture<Void> ping = peer.client.ping().toFuture();
        peer.expectSync();
        peer.channel.close();
        assertThat(ping).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpConnectionClosedException.class).withMessageContaining("/test/vm1/qga.sock");
        StepVerifier.create(peer.client.ping()).verifyError(QmpConnectionClosedException.class);
        StepVerifier.create(peer.client.close()).verifyComplete();
        StepVerifier.create(peer.client.close()).verifyComplete();
    }

    @Test
    void aCommandThatMayEndTheSessionCompletesWhenTheAgentClosesInsteadOfAnswering() {
        peer.client.sync().toFuture();
        peer.answerSync(peer.expectSync());
        CompletableFuture<JsonNode> last = peer.client.execute(QmpCommand.of("guest-x-quit", null).closingConnection())
                .toFuture();
        peer.expect("guest-x-quit");
        peer.channel.close();
        assertThat(last).succeedsWithin(Duration.ZERO);
        StepVerifier.create(peer.client.onClose()).verifyComplete();
    }

    @Test
    void anUnexpectedEndFailsOnCloseNamingTheSocket() {
        peer.channel.close();
        StepVerifier.create(peer.client.onClose())
                .verifyErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpConnectionClosedException.class)
                        .hasMessageContaining("/test/vm1/qga.sock"));
    }

    @Test
    void unsolicitedMessagesAreDropped() {
        peer.feed("{\"return\": {}}\n");
        CompletableFuture<Void> ping = peer.client.ping().toFuture();
        peer.answerSync(peer.expectSync());
        peer.expect("guest-ping");
        peer.feed("{\"return\": {}}\n");
        assertThat(ping).succeedsWithin(Duration.ZERO);
    }
}
