package io.qemureactor.core.host;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that keeps only the last {@code capacity} bytes written to it (a ring). The
 * ring grows as bytes come, up to {@code capacity}: most commands print a few bytes, and an SSH
 * exec holds two of these for as long as its process runs.
 */
final class TailBuffer extends OutputStream {

    private static final int INITIAL = 256;

    private final int capacity;
    private byte[] ring;
    private long written;

    TailBuffer(int capacity) {
        this.capacity = capacity;
        this.ring = new byte[Math.min(INITIAL, capacity)];
    }

    @Override
    public synchronized void write(int b) {
        grow(1);
        ring[(int) (written++ % ring.length)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        grow(len);
        for (int i = 0; i < len; i++) {
            ring[(int) (written++ % ring.length)] = b[off + i];
        }
    }

    /** Before the ring first wraps, makes room for {@code more} bytes (up to the capacity). */
    private void grow(int more) {
        if (written + more <= ring.length || ring.length == capacity) {
            return;
        }
        int size = (int) Math.min(capacity, Math.max(written + more, 2L * ring.length));
        ring = java.util.Arrays.copyOf(ring, size); // not wrapped yet: the bytes are at 0..written-1
    }

    synchronized byte[] toByteArray() {
        int size = (int) Math.min(written, ring.length);
        byte[] out = new byte[size];
        int start = (int) ((written - size) % ring.length);
        for (int i = 0; i < size; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }

    @Override
    public String toString() {
        return new String(toByteArray(), StandardCharsets.UTF_8);
    }
}
