package io.qemureactor.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The shared deadline timer under virtual time: order, cancellation, arming, the timeout operator. */
@Timeout(30)
class DeadlineTimerTest {

    private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    private final CountingScheduler counting = new CountingScheduler(clock);
    private final DeadlineTimer timer = new DeadlineTimer(counting);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void disposeClock() {
        clock.dispose();
    }

    @Test
    void runsTasksWhenTheirDeadlinePassesInDeadlineOrder() {
        timer.schedule(Duration.ofSeconds(3), () -> ran.add("c"));
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
        timer.schedule(Duration.ofSeconds(2), () -> ran.add("b"));

        clock.advanceTimeBy(Duration.ofMillis(999));
        assertThat(ran).isEmpty();
        clock.advanceTimeBy(Duration.ofMillis(1));
        assertThat(ran).containsExactly("a");
        clock.advanceTimeBy(Duration.ofSeconds(2));
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(timer.size()).isZero();
    }

    @Test
    void aDisposedDeadlineNeverRuns() {
        Disposable first = timer.schedule(Duration.ofSeconds(1), () -> ran.add("first"));
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("second"));
        first.dispose();

        clock.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("second");
        assertThat(first.isDisposed()).isTrue();
    }

    @Test
    void laterDeadlinesArmNoFurtherTimerTask() {
        // the point of the class: a command per microsecond with a 30 s timeout arms the scheduler once
        for (int i = 0; i < 1000; i++) {
            Disposable d = timer.schedule(Duration.ofSeconds(30), () -> ran.add("expired"));
            clock.advanceTimeBy(Duration.ofMillis(1));
            d.dispose(); // the reply came
        }
        assertThat(counting.scheduled).hasValue(1);
        assertThat(ran).isEmpty();
        assertThat(timer.size()).isZero();
    }

    @Test
    void anEarlierDeadlineReArmsAndTheLaterOneStillRuns() {
        timer.schedule(Duration.ofSeconds(30), () -> ran.add("late"));
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("early"));
        assertThat(counting.scheduled).hasValue(2);

        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("early");
        clock.advanceTimeBy(Duration.ofSeconds(29));
        assertThat(ran).containsExactly("early", "late");
    }

    @Test
    void aTaskMayScheduleAnotherDeadline() {
        timer.schedule(Duration.ofSeconds(1), () -> {
            ran.add("first");
            timer.schedule(Duration.ofSeconds(1), () -> ran.add("second"));
        });
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("first");
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void anEndlessDelayIsAcceptedAndNeverRuns() {
        timer.schedule(Duration.ofSeconds(Long.MAX_VALUE), () -> ran.add("never"));
        clock.advanceTimeBy(Duration.ofDays(365));
        assertThat(ran).isEmpty();
        assertThat(counting.scheduled).hasValue(0);
    }

    @Test
    void disposeDropsPendingDeadlinesAndRejectsNewOnes() {
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("dropped"));
        timer.dispose();
        clock.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(ran).isEmpty();
        assertThat(timer.isDisposed()).isTrue();
        assertThatThrownBy(() -> timer.schedule(Duration.ofSeconds(1), () -> ran.add("rejected")))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void timeoutPassesTheValueThroughAndLeavesNoDeadlineBehind() {
        StepVerifier.create(timer.timeout(Mono.just("session"), Duration.ofSeconds(5),
                        () -> new IllegalStateException("timed out"), lost -> ran.add("discarded " + lost)))
                .expectNext("session")
                .verifyComplete();
        assertThat(timer.size()).isZero();
        assertThat(ran).isEmpty();
    }

    @Test
    void aDeliveredValueDoesNotCancelItsSource() {
        // the handshake closes its channel on cancel: delivering the session must not trigger that
        AtomicBoolean cancelled = new AtomicBoolean();
        Mono<String> session = Mono.just("session").doOnCancel(() -> cancelled.set(true));
        StepVerifier.create(timer.timeout(session, Duration.ofSeconds(5), () -> new IllegalStateException("timed out"),
                        lost -> { }))
                .expectNext("session")
                .verifyComplete();
        assertThat(cancelled).isFalse();
    }

    @Test
    void timeoutFailsWithTheGivenErrorAndCancelsTheSource() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Mono<String> never = Mono.<String>never().doOnCancel(() -> cancelled.set(true));
        StepVerifier.create(timer.timeout(never, Duration.ofSeconds(5),
                        () -> new IllegalStateException("connecting timed out"), lost -> { }))
                .expectSubscription()
                .then(() -> clock.advanceTimeBy(Duration.ofSeconds(5)))
                .expectErrorMessage("connecting timed out")
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isTrue();
    }

    @Test
    void aValueThatLosesTheRaceIsDiscardedNotLost() {
        // a source that produces its value although it was cancelled, as a connect whose
        // channel came up while the timeout fired: the value must reach discard, not vanish
        AtomicReference<CoreSubscriber<? super String>> subscriber = new AtomicReference<>();
        Mono<String> ignoresCancel = new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
                subscriber.set(actual);
                actual.onSubscribe(Operators.emptySubscription());
            }
        };
        AtomicReference<Throwable> error = new AtomicReference<>();
        timer.timeout(ignoresCancel, Duration.ofSeconds(1), () -> new IllegalStateException("too late"),
                        lost -> ran.add("discarded " + lost))
                .subscribe(v -> ran.add("got " + v), error::set);
        clock.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(error.get()).hasMessage("too late");

        subscriber.get().onNext("session");
        assertThat(ran).containsExactly("discarded session");
    }

    @Test
    void cancellingTheTimeoutRemovesItsDeadline() {
        Disposable subscription = timer.timeout(Mono.never(), Duration.ofSeconds(5),
                () -> new IllegalStateException("timed out"), lost -> { }).subscribe();
        assertThat(timer.size()).isOne();
        subscription.dispose();
        assertThat(timer.size()).isZero();
    }

    @Test
    void underConcurrentUseEveryKeptDeadlineRunsOnceAndNoDisposedOneRuns() throws Exception {
        // real time, two threads scheduling short deadlines and disposing every other one while
        // sweeps run: the arming protocol must never lose a deadline or run one twice
        DeadlineTimer real = new DeadlineTimer(Schedulers.parallel());
        int perThread = 20_000;
        AtomicInteger[] runs = new AtomicInteger[2 * perThread];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = new AtomicInteger();
        }
        CountDownLatch kept = new CountDownLatch(perThread); // the even indexes of both threads
        Runnable[] workers = new Runnable[2];
        for (int t = 0; t < 2; t++) {
            int base = t * perThread;
            workers[t] = () -> {
                for (int i = 0; i < perThread; i++) {
                    int index = base + i;
                    Disposable d = real.schedule(Duration.ofNanos(ThreadLocalRandom.current().nextInt(0, 2_000_000)),
                            () -> {
                                runs[index].incrementAndGet();
                                if (index % 2 == 0) {
                                    kept.countDown();
                                }
                            });
                    if (index % 2 == 1) {
                        d.dispose();
                    }
                }
            };
        }
        Thread a = new Thread(workers[0]);
        Thread b = new Thread(workers[1]);
        a.start();
        b.start();
        a.join();
        b.join();

        assertThat(kept.await(20, TimeUnit.SECONDS)).as("every kept deadline ran").isTrue();
        for (int i = 0; i < runs.length; i++) {
            if (i % 2 == 0) {
                assertThat(runs[i].get()).as("runs of kept deadline %d", i).isEqualTo(1);
            }
        }
        // a disposed deadline may have run only if its time came before dispose() was called;
        // with up to 2 ms delays some do, but never twice
        for (int i = 1; i < runs.length; i += 2) {
            assertThat(runs[i].get()).as("runs of disposed deadline %d", i).isLessThanOrEqualTo(1);
        }
        assertThat(real.size()).isZero();
        real.dispose();
    }

    /** Counts delayed schedules: each one is a wake-up of a timer thread in real time. */
    private static final class CountingScheduler implements Scheduler {

        final AtomicInteger scheduled = new AtomicInteger();
        private final Scheduler delegate;

        CountingScheduler(Scheduler delegate) {
            this.delegate = delegate;
        }

        @Override
        public Disposable schedule(Runnable task) {
            return delegate.schedule(task);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            scheduled.incrementAndGet();
            return delegate.schedule(task, delay, unit);
        }

        @Override
        public long now(TimeUnit unit) {
            return delegate.now(unit);
        }

        @Override
        public Worker createWorker() {
            return delegate.createWorker();
        }
    }
}
