package io.qemureactor.qga;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs submitted work one at a time, in submission order: the guest agent answers without
 * ids, so only one command may be in flight. Cancelling queued work removes it; cancelling
 * running work disposes it and starts the next.
 */
final class CommandQueue {

    private final Queue<Job<?>> waiting = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this

    /** Work that starts when all earlier work has finished. */
    <T> Mono<T> submit(Supplier<Mono<T>> work) {
        return Mono.create(sink -> {
            Job<T> job = new Job<>(work, sink);
            sink.onCancel(job::cancel);
            boolean startNow;
            synchronized (this) {
                startNow = !running;
                if (startNow) {
                    running = true;
                } else {
                    waiting.add(job);
                }
            }
            if (startNow) {
                job.start();
            }
        });
    }

    /** Number of jobs waiting behind the running one. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void startNext() {
        Job<?> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running = false;
                return;
            }
        }
        next.start();
    }

    private synchronized boolean dequeue(Job<?> job) {
        return waiting.remove(job);
    }

    private final class Job<T> {

        private final Supplier<Mono<T>> work;
        private final MonoSink<T> sink;
        private volatile boolean cancelled;
        private volatile Disposable subscription;

        Job(Supplier<Mono<T>> work, MonoSink<T> sink) {
            this.work = work;
            this.sink = sink;
        }

        void start() {
            if (cancelled) {
                startNext();
                return;
            }
            subscription = Mono.defer(work)
                    .doFinally(signal -> startNext())
                    .subscribe(sink::success, sink::error, () -> sink.success());
            if (cancelled) {
                subscription.dispose();
            }
        }

        void cancel() {
            cancelled = true;
            if (!dequeue(this)) {
                Disposable running = subscription;
                if (running != null) {
                    running.dispose();
                }
            }
        }
    }
}
