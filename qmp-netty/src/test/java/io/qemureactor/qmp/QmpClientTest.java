package io.qemureactor.qmp;

import static io.qemureactor.qmp.EmbeddedQmpPeer.GREETING;
import static io.qemureactor.qmp.EmbeddedQmpPeer.error;
import static io.qemureactor.qmp.EmbeddedQmpPeer.event;
import static io.qemureactor.qmp.EmbeddedQmpPeer.reply;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.exceptions.QmpCommandException;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpProtocolException;
import io.qemureactor.exceptions.QmpTimeoutException;
import io.qemureactor.transport.internal.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The QMP client against a scripted peer on an EmbeddedChannel: framing, correlation, errors. */
@org.junit.jupiter.api.Timeout(30)
class QmpClientTest {

    private final EmbeddedQmpPeer peer = new EmbeddedQmpPeer();

    @Test
    void greetingSplitAcrossReadsIsReassembled() {
        CompletableFuture<ReactorNettyQmpClient> ready = peer.client.handshake().toFuture();
        int cut = GREETING.length() / 2;
        peer.feed(GREETING.substring(0, cut));
        assertThat(peer.nextRequest()).as("nothing sent before the whole greeting").isNull();
        peer.feed(GREETING.substring(cut));

        JsonNode caps = peer.nextRequest();
        assertThat(caps.get("execute").asText()).isEqualTo("qmp_capabilities");
        assertThat(caps.has("arguments")).as("oob not asked for").isFalse();
        assertThat(ready).isNotDone();
        peer.feed(reply(caps.get("id").asLong(), "{}"));

        QmpClient client = ready.join();
        assertThat(client.version()).isEqualTo(new QmpVersion(7, 2, 22, "Debian 1:7.2+dfsg-7"));
        assertThat(client.greeting().capabilities()).containsExactly("oob");
        assertThat(client.oobEnabled()).isFalse();
    }

    @Test
    void messagesBeforeTheGreetingAreSkipped() {
        CompletableFuture<ReactorNettyQmpClient> ready = peer.client.handshake().toFuture();
        peer.feed(event("SOMETHING_EARLY") + "{\"unrelated\": true}\n");
        assertThat(peer.nextRequest()).isNull();
        peer.feed(GREETING);
        JsonNode caps = peer.nextRequest();
        peer.feed(reply(caps.get("id").asLong(), "{}"));
        assertThat(ready.join().greeting().version().major()).isEqualTo(7);
    }

    @Test
    void oobIsEnabledWhenAskedForAndOffered() {
        EmbeddedQmpPeer oobPeer = new EmbeddedQmpPeer(QmpConnectOptions.defaults().withOob(true));
        CompletableFuture<ReactorNettyQmpClient> ready = oobPeer.client.handshake().toFuture();
        oobPeer.feed(GREETING);
        JsonNode caps = oobPeer.nextRequest();
        assertThat(caps.path("arguments").path("enable").get(0).asText()).isEqualTo("oob");
        oobPeer.feed(reply(caps.get("id").asLong(), "{}"));
        assertThat(ready.join().oobEnabled()).isTrue();
    }

    @Test
    void oobIsNotAskedForWhenNotOffered() {
        EmbeddedQmpPeer oobPeer = new EmbeddedQmpPeer(QmpConnectOptions.defaults().withOob(true));
        CompletableFuture<ReactorNettyQmpClient> ready = oobPeer.client.handshake().toFuture();
        oobPeer.feed(GREETING.replace("\"oob\"", ""));
        JsonNode caps = oobPeer.nextRequest();
        assertThat(caps.has("arguments")).isFalse();
        oobPeer.feed(reply(caps.get("id").asLong(), "{}"));
        assertThat(ready.join().oobEnabled()).isFalse();
    }

    @Test
    void nothingIsSentUntilSubscription() {
        QmpClient client = peer.handshake();
        Mono<StatusInfo> status = client.execute(QmpCommands.queryStatus());
        assertThat(peer.nextRequest()).isNull();

        CompletableFuture<StatusInfo> result = status.toFuture();
        JsonNode request = peer.nextRequest();
        assertThat(request.get("execute").asText()).isEqualTo("query-status");
        peer.feed(reply(request.get("id").asLong(), "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"));
        assertThat(result.join()).isEqualTo(new StatusInfo("running", true));
    }

    @Test
    void anEventBetweenACommandAndItsReplyDoesNotShiftLaterReplies() {
        QmpClient client = peer.handshake();
        List<QmpEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Disposable subscription = client.events().subscribe(events::add);

        CompletableFuture<JsonNode> first = client.execute("query-name").toFuture();
        CompletableFuture<JsonNode> second = client.execute("query-uuid").toFuture();
        List<JsonNode> requests = peer.requests();
        long id1 = requests.get(0).get("id").asLong();
        long id2 = requests.get(1).get("id").asLong();
        assertThat(id2).isGreaterThan(id1);

        peer.feed(event("STOP"));
        peer.feed(reply(id1, "{\"name\": \"vm1\"}"));
        peer.feed(event("RESUME"));
        peer.feed(reply(id2, "{\"UUID\": \"u\"}"));

        assertThat(first.join().get("name").asText()).isEqualTo("vm1");
        assertThat(second.join().get("UUID").asText()).isEqualTo("u");
        assertThat(events).extracting(QmpEvent::name).containsExactly("STOP", "RESUME");
        assertThat(events.get(0).timestamp().getNano()).isEqualTo(250_000);
        subscription.dispose();
    }

    @Test
    void twoRepliesInOneReadOutOfOrder() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> a = client.execute("a").toFuture();
        CompletableFuture<JsonNode> b = client.execute("b").toFuture();
        List<JsonNode> requests = peer.requests();
        peer.feed(reply(requests.get(1).get("id").asLong(), "\"B\"") + reply(requests.get(0).get("id").asLong(), "\"A\""));
        assertThat(a.join().asText()).isEqualTo("A");
        assertThat(b.join().asText()).isEqualTo("B");
    }

    @Test
    void aReplyWithAnUnknownIdIsDropped() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> a = client.execute("a").toFuture();
        long id = peer.nextRequest().get("id").asLong();
        peer.feed(reply(9999, "\"stray\"") + "{\"return\": {}}\n");
        assertThat(a).isNotDone();
        peer.feed(reply(id, "\"mine\""));
        assertThat(a.join().asText()).isEqualTo("mine");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void anErrorReplyBecomesACommandExceptionAndTheSessionGoesOn() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> bad = client.execute("nope").toFuture();
        peer.feed(error(peer.nextRequest().get("id").asLong(), "CommandNotFound", "The command nope has not been found"));
        assertThat(bad).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(QmpCommandException.class, e -> {
                    assertThat(e.command()).isEqualTo("nope");
                    assertThat(e.errorClass()).isEqualTo("CommandNotFound");
                    assertThat(e.description()).contains("has not been found");
                });
        CompletableFuture<JsonNode> good = client.execute("query-name").toFuture();
        peer.feed(reply(peer.nextRequest().get("id").asLong(), "{}"));
        assertThat(good.join().isObject()).isTrue();
    }

    @Test
    void malformedJsonFailsPendingCommandsAndClosesTheConnection() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> pending = client.execute("query-status").toFuture();
        peer.feed("{\"return\": {\"status\": }, \"id\": 2}\n");

        assertThat(pending).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpProtocolException.class).withMessageContaining("unix:/test/vm1/qmp.sock");
        assertThat(client.isOpen()).isFalse();
        StepVerifier.create(client.events()).verifyError(QmpProtocolException.class);
        StepVerifier.create(client.execute("query-status")).verifyError(QmpProtocolException.class);
    }

    @Test
    void bytesThatCannotStartJsonAreAProtocolError() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> pending = client.execute("query-status").toFuture();
        peer.feed("garbage\n");
        assertThat(pending).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpProtocolException.class);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void anOversizeMessageIsAClearErrorAndClosesTheConnection() {
        EmbeddedQmpPeer small = new EmbeddedQmpPeer(QmpConnectOptions.defaults().withMaxMessageBytes(1024));
        QmpClient client = small.handshake();
        CompletableFuture<JsonNode> pending = client.execute("query-status").toFuture();
        long id = small.nextRequest().get("id").asLong();
        String big = reply(id, "\"" + "x".repeat(4096) + "\"");
        // split over reads, as a real socket would deliver it
        byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
        small.feed(java.util.Arrays.copyOfRange(bytes, 0, 600));
        small.feed(java.util.Arrays.copyOfRange(bytes, 600, bytes.length));

        assertThat(pending).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpProtocolException.class).withMessageContaining("exceeds the limit of 1024 bytes");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void closingFailsEveryPendingCommandNamingTheSocket() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> a = client.execute("a").toFuture();
        CompletableFuture<JsonNode> b = client.execute("b").toFuture();
        peer.channel.close(); // EOF: QEMU went away

        for (CompletableFuture<JsonNode> f : List.of(a, b)) {
            assertThat(f).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                    .isInstanceOf(QmpConnectionClosedException.class)
                    .withMessageContaining("unix:/test/vm1/qmp.sock");
        }
        StepVerifier.create(client.events()).verifyError(QmpConnectionClosedException.class);
        StepVerifier.create(client.onClose()).verifyError(QmpConnectionClosedException.class);
        StepVerifier.create(client.execute("c")).verifyError(QmpConnectionClosedException.class);
        assertThat(peer.client.pendingCount()).isZero();
    }

    @Test
    void quitCompletesAndTheEofIsNormal() {
        QmpClient client = peer.handshake();
        CompletableFuture<Void> quit = client.execute(QmpCommands.quit()).toFuture();
        long id = peer.nextRequest().get("id").asLong();
        peer.feed(event("SHUTDOWN") + reply(id, "{}"));
        peer.channel.close();
        assertThat(quit).succeedsWithin(Duration.ZERO);
        StepVerifier.create(client.events()).verifyComplete();
        StepVerifier.create(client.onClose()).verifyComplete();
    }

    @Test
    void quitAnsweredOnlyByEofStillCompletes() {
        QmpClient client = peer.handshake();
        CompletableFuture<Void> quit = client.execute(QmpCommands.quit()).toFuture();
        peer.channel.close();
        assertThat(quit).succeedsWithin(Duration.ZERO);
    }

    @Test
    void aCommandWithoutReplyOnSuccessCompletesWhenWrittenAndItsIdStaysTakenUntilAnswered() {
        QmpClient client = peer.handshake();
        CompletableFuture<Void> fire = client.execute(QmpCommand.withoutReply("x-fire", null)).toFuture();
        long firstId = peer.nextRequest().get("id").asLong();
        assertThat(fire).succeedsWithin(Duration.ZERO);
        assertThat(peer.client.pendingCount()).isZero();
        CompletableFuture<JsonNode> next = client.execute("query-status").toFuture();
        assertThat(peer.nextRequest().get("id").asLong()).as("a late error reply cannot be taken for this one")
                .isNotEqualTo(firstId);
        assertThat(next).isNotDone();
    }

    @Test
    void theWireTraceSitsBetweenFramingAndParsingAndChangesNothing() {
        EmbeddedQmpPeer traced = new EmbeddedQmpPeer(QmpConnectOptions.defaults().withWireTrace(true)
                .withEventScheduler(Schedulers.immediate()));
        assertThat(traced.channel.pipeline().names()).containsSubsequence("json-frames", "wire-trace", "json-messages");
        assertThat(peer.channel.pipeline().names()).doesNotContain("wire-trace");
        QmpClient client = traced.handshake();
        CompletableFuture<JsonNode> status = client.execute("query-status").toFuture();
        traced.feed(reply(traced.nextRequest().get("id").asLong(), "{\"running\": true}"));
        assertThat(status.join().path("running").asBoolean()).isTrue();
    }

    @Test
    void closeIsIdempotentAndFailsPendingCommands() {
        QmpClient client = peer.handshake();
        CompletableFuture<JsonNode> pending = client.execute("a").toFuture();
        StepVerifier.create(client.close()).verifyComplete();
        StepVerifier.create(client.close()).verifyComplete();
        assertThat(pending).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpConnectionClosedException.class);
        StepVerifier.create(client.events()).verifyComplete();
    }

    @Test
    void cancellingRemovesThePendingEntry() {
        QmpClient client = peer.handshake();
        Disposable d = client.execute("slow").subscribe();
        long id = peer.nextRequest().get("id").asLong();
        assertThat(peer.client.pendingCount()).isEqualTo(1);
        d.dispose();
        assertThat(peer.client.pendingCount()).isZero();
        peer.feed(reply(id, "{}")); // late reply: dropped, logged
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void docsVirtualTimeExampleTimesOutTheCommand() {
        QmpClient client = peer.handshake();
        // docs/qmp.md's example, verbatim (DocSnippetsTest)
        StepVerifier.withVirtualTime(() -> client.execute("slow", null, Duration.ofSeconds(2)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(2))
                .expectError(QmpTimeoutException.class)
                .verify();
    }

    @Test
    void commandTimesOutUnderVirtualTimeAndTheLateReplyIsDropped() {
        QmpClient client = peer.handshake();
        StepVerifier.withVirtualTime(() -> client.execute("slow"))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(29))
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpTimeoutException.class)
                        .hasMessageContaining("slow").hasMessageContaining("unix:/test/vm1/qmp.sock"))
                .verify(Duration.ofSeconds(5));
        assertThat(peer.client.pendingCount()).isZero();
        peer.feed(reply(peer.nextRequest().get("id").asLong(), "{}"));
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void aCommandsOwnTimeoutOverridesTheDefault() {
        QmpClient client = peer.handshake();
        StepVerifier.withVirtualTime(() -> client.execute(QmpCommands.queryStatus().withTimeout(Duration.ofSeconds(2))))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(2))
                .expectError(QmpTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void typedCommandsDecodeTheirResults() {
        QmpClient client = peer.handshake();
        CompletableFuture<List<CpuInfoFast>> cpus = client.execute(QmpCommands.queryCpusFast()).toFuture();
        peer.feed(reply(peer.nextRequest().get("id").asLong(), "[{\"thread-id\": 4242, \"props\": {}, "
                + "\"qom-path\": \"/machine/unattached/device[0]\", \"cpu-index\": 0, \"target\": \"x86_64\"}]"));
        assertThat(cpus.join()).containsExactly(new CpuInfoFast(0, 4242, "/machine/unattached/device[0]", "x86_64"));

        CompletableFuture<KvmInfo> kvm = client.execute(QmpCommands.queryKvm()).toFuture();
        peer.feed(reply(peer.nextRequest().get("id").asLong(), "{\"enabled\": false, \"present\": true}"));
        assertThat(kvm.join()).isEqualTo(new KvmInfo(false, true));

        CompletableFuture<QmpVersion> version = client.execute(QmpCommands.queryVersion()).toFuture();
        peer.feed(reply(peer.nextRequest().get("id").asLong(),
                "{\"qemu\": {\"micro\": 1, \"minor\": 2, \"major\": 8}, \"package\": \"\"}"));
        assertThat(version.join().isAtLeast(7, 2, 0)).isTrue();

        CompletableFuture<Void> stop = client.execute(QmpCommands.stop()).toFuture();
        JsonNode stopRequest = peer.nextRequest();
        assertThat(stopRequest.get("execute").asText()).isEqualTo("stop");
        peer.feed(reply(stopRequest.get("id").asLong(), "{}"));
        assertThat(stop).succeedsWithin(Duration.ZERO);
    }

    @Test
    void awaitEventSubscribesBeforeTheTriggerIsSent() {
        QmpClient client = peer.handshake();
        CompletableFuture<QmpEvent> stopped = client.awaitEvent("STOP", client.execute(QmpCommands.stop())).toFuture();
        long id = peer.nextRequest().get("id").asLong();
        // QEMU emits the event before it replies
        peer.feed(event("RESUME") + event("STOP"));
        assertThat(stopped).as("waits for the trigger's reply too").isNotDone();
        peer.feed(reply(id, "{}"));
        assertThat(stopped.join().name()).isEqualTo("STOP");
    }

    @Test
    void awaitEventFailsWhenTheTriggerFails() {
        QmpClient client = peer.handshake();
        CompletableFuture<QmpEvent> stopped = client.awaitEvent("STOP", client.execute(QmpCommands.stop())).toFuture();
        peer.feed(error(peer.nextRequest().get("id").asLong(), "GenericError", "no"));
        assertThat(stopped).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpCommandException.class);
    }

    @Test
    void aSlowEventSubscriberLosesItsOldestEventsWithoutStallingAnything() {
        EmbeddedQmpPeer small = new EmbeddedQmpPeer(QmpConnectOptions.defaults().withEventBufferSize(4)
                .withEventScheduler(Schedulers.immediate()));
        QmpClient client = small.handshake();
        List<QmpEvent> fast = new java.util.ArrayList<>();
        Disposable fastSubscription = client.events().subscribe(fast::add);

        List<Integer> slowGot = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.publisher.BaseSubscriber<QmpEvent> slow = new reactor.core.publisher.BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                // request nothing: the slowest possible subscriber
            }

            @Override
            protected void hookOnNext(QmpEvent e) {
                slowGot.add(e.data().get("n").asInt());
            }
        };
        client.events().subscribe(slow);
        // 100 events and a reply arrive while the slow subscriber requests nothing
        CompletableFuture<JsonNode> reply = client.execute("query-name").toFuture();
        long id = small.nextRequest().get("id").asLong();
        StringBuilder burst = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            burst.append("{\"event\": \"E\", \"data\": {\"n\": ").append(i)
                    .append("}, \"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\n");
        }
        small.feed(burst + reply(id, "{}"));
        assertThat(reply).as("the reply is not held up by the slow subscriber").isDone();
        assertThat(fast).hasSize(100);

        slow.request(Long.MAX_VALUE);
        assertThat(slowGot).as("the oldest buffered events were dropped, the newest kept")
                .hasSizeLessThan(100).startsWith(1).endsWith(100);
        slow.dispose();
        fastSubscription.dispose();
    }

    @Test
    void eventsHaveNameDataAndTimestamp() {
        QmpClient client = peer.handshake();
        CompletableFuture<QmpEvent> first = client.events().next().toFuture();
        peer.feed("{\"timestamp\": {\"seconds\": 1795645263, \"microseconds\": 501734}, \"event\": \"SHUTDOWN\", "
                + "\"data\": {\"guest\": false, \"reason\": \"host-qmp-quit\"}}\r\n");
        QmpEvent e = first.join();
        assertThat(e.name()).isEqualTo("SHUTDOWN");
        assertThat(e.data().get("reason").asText()).isEqualTo("host-qmp-quit");
        assertThat(e.timestamp()).isEqualTo(java.time.Instant.ofEpochSecond(1795645263, 501_734_000));
    }

    @Test
    void theConnectionClosingDuringTheHandshakeFailsItWithTheClosedError() {
        CompletableFuture<ReactorNettyQmpClient> ready = peer.client.handshake().toFuture();
        peer.feed(GREETING.substring(0, 10));
        peer.channel.close();
        assertThat(ready).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(QmpConnectionClosedException.class).withMessageContaining("greeting");
    }

    @Test
    void requestsAreCompactLinesWithTheSmallestFreeId() {
        QmpClient client = peer.handshake();
        for (int i = 0; i < 3; i++) {
            CompletableFuture<JsonNode> r = client.execute("query-status").toFuture();
            io.netty.buffer.ByteBuf wire = peer.channel.readOutbound();
            assertThat(wire.toString(StandardCharsets.UTF_8))
                    .as("sequential commands reuse id 1: every request costs QEMU the same bytes")
                    .isEqualTo("{\"execute\":\"query-status\",\"id\":1}\n");
            wire.release();
            peer.feed(reply(1, "{}"));
            assertThat(r).isDone();
        }
        ObjectNode args = Json.object().put("device", "a\"b");
        client.execute("eject", args).subscribe();
        JsonNode withArgs = peer.nextRequest();
        assertThat(withArgs.get("execute").asText()).isEqualTo("eject");
        assertThat(withArgs.get("arguments")).isEqualTo(args);
        assertThat(withArgs.get("id").asLong()).isEqualTo(1);
    }

    @Test
    void theIdOfATimedOutCommandStaysTakenUntilItsLateReply() {
        QmpClient client = peer.handshake();
        StepVerifier.withVirtualTime(() -> client.execute("slow", null, Duration.ofSeconds(1)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .expectError(QmpTimeoutException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(peer.nextRequest().get("id").asLong()).isEqualTo(1);

        CompletableFuture<JsonNode> next = client.execute("query-name").toFuture();
        assertThat(peer.nextRequest().get("id").asLong()).as("1 still awaits its late reply").isEqualTo(2);
        peer.feed(reply(1, "\"late\""));
        assertThat(next).as("the late reply is not taken for the newer command").isNotDone();
        peer.feed(reply(2, "\"mine\""));
        assertThat(next.join().asText()).isEqualTo("mine");

        client.execute("query-uuid").subscribe();
        assertThat(peer.nextRequest().get("id").asLong()).as("1 is free again after its late reply").isEqualTo(1);
    }

    @Test
    void commandsWithDifferentTimeoutsEachExpireOnTime() {
        QmpClient client = peer.handshake();
        StepVerifier.withVirtualTime(() -> Mono.zip(
                        client.execute("long", null, Duration.ofSeconds(10)).materialize(),
                        client.execute("short", null, Duration.ofSeconds(3)).materialize()))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .expectNoEvent(Duration.ofMillis(6999))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(both -> {
                    assertThat(both.getT1().getThrowable()).isInstanceOf(QmpTimeoutException.class)
                            .hasMessageContaining("long").hasMessageContaining("PT10S");
                    assertThat(both.getT2().getThrowable()).isInstanceOf(QmpTimeoutException.class)
                            .hasMessageContaining("short").hasMessageContaining("PT3S");
                })
                .verifyComplete();
        assertThat(peer.client.pendingCount()).isZero();
    }

    @Test
    void aReplyBeforeTheDeadlineCancelsNothingAndLaterCommandsStillTimeOut() {
        QmpClient client = peer.handshake();
        StepVerifier.withVirtualTime(() -> {
                    Mono<JsonNode> first = client.execute("fast", null, Duration.ofSeconds(5));
                    Mono<JsonNode> second = client.execute("slow", null, Duration.ofSeconds(5));
                    return first.then(Mono.delay(Duration.ofSeconds(4))).then(second);
                })
                .expectSubscription()
                .then(() -> peer.feed(reply(peer.nextRequest().get("id").asLong(), "{}")))
                .thenAwait(Duration.ofSeconds(8))
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectError(QmpTimeoutException.class)
                .verify(Duration.ofSeconds(5));
    }
}
