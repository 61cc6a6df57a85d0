package io.qemureactor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Samples this JVM's threads and heap every few milliseconds ({@code Flux.interval}) while a case runs and keeps
 * the peaks: all live threads, the JDK's {@code process reaper} threads among them (java.lang.Process keeps one
 * per live child process, blocked in waitpid; every way of starting QEMU from Java has them), the other threads
 * (the engine's and the JVM's own), and the heap in use (garbage not yet collected included). The sampler's own
 * scheduler thread is not counted.
 */
final class ThreadSampler implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofMillis(10);
    private static final String REAPER = "process reaper";
    private static final String SAMPLER = "bench-thread-sampler";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Scheduler scheduler = Schedulers.newSingle(SAMPLER, true);
    private final Disposable ticks;
    private int peakAll;
    private int peakReapers;
    private int peakOthers;
    private long peakHeap;
    private boolean closed;

    private ThreadSampler() {
        sample();
        ticks = Flux.interval(PERIOD, PERIOD, scheduler).subscribe(tick -> sample());
    }

    static ThreadSampler start() {
        return new ThreadSampler();
    }

    private synchronized void sample() {
        if (closed) {
            return;
        }
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds());
        int all = 0;
        int reapers = 0;
        for (ThreadInfo info : infos) {
            if (info == null || info.getThreadName().startsWith(SAMPLER)) {
                continue;
            }
            all++;
            if (info.getThreadName().startsWith(REAPER)) {
                reapers++;
            }
        }
        peakAll = Math.max(peakAll, all);
        peakReapers = Math.max(peakReapers, reapers);
        peakOthers = Math.max(peakOthers, all - reapers);
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
    }

    /** The number of live threads now, not counting the sampler and the process reapers. */
    static int othersNow() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith(REAPER) && !t.getName().startsWith(SAMPLER)) {
                n++;
            }
        }
        return n;
    }

    synchronized int peakAll() {
        return peakAll;
    }

    synchronized int peakReapers() {
        return peakReapers;
    }

    synchronized int peakOthers() {
        return peakOthers;
    }

    synchronized long peakHeapBytes() {
        return peakHeap;
    }

    /** Takes a last sample and stops sampling; idempotent. */
    @Override
    public void close() {
        sample();
        synchronized (this) {
            closed = true;
        }
        ticks.dispose();
        scheduler.dispose();
    }
}
