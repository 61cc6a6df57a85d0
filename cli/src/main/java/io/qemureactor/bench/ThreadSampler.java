package io.qemureactor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Samples this JVM's threads and heap every few milliseconds while a case runs and keeps the peaks:
 * all live threads, the JDK's {@code process reaper} threads among them (java.lang.Process keeps one
 * per live child process, blocked in waitpid; every way of starting QEMU from Java has them), the
 * other threads (the engine's and the JVM's own), and the heap in use (garbage not yet collected
 * included). The sampler's own thread is not counted.
 */
final class ThreadSampler implements AutoCloseable {

    private static final long PERIOD_MILLIS = 10;
    private static final String REAPER = "process reaper";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int peakAll;
    private volatile int peakReapers;
    private volatile int peakOthers;
    private volatile long peakHeap;

    private ThreadSampler() {
        thread = new Thread(this::loop, "bench-thread-sampler");
        thread.setDaemon(true);
    }

    static ThreadSampler start() {
        ThreadSampler s = new ThreadSampler();
        s.sample();
        s.thread.start();
        return s;
    }

    private void loop() {
        while (running) {
            sample();
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds());
        int all = 0;
        int reapers = 0;
        for (ThreadInfo info : infos) {
            if (info == null || info.getThreadName().equals("bench-thread-sampler")) {
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
            if (!t.getName().startsWith(REAPER) && !t.getName().equals("bench-thread-sampler")) {
                n++;
            }
        }
        return n;
    }

    int peakAll() {
        return peakAll;
    }

    int peakReapers() {
        return peakReapers;
    }

    int peakOthers() {
        return peakOthers;
    }

    long peakHeapBytes() {
        return peakHeap;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1_000);
        sample();
    }
}
