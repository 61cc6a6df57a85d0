package io.qemureactor.core.spec;

/**
 * The guest's CPU topology. The seed always used one socket, N cores and one thread per core
 * ({@link #cores(int)}); any topology is allowed, and {@link VmSpec} validates it on build.
 *
 * @param sockets the number of sockets
 * @param cores cores per socket
 * @param threads threads per core
 */
public record Smp(int sockets, int cores, int threads) {

    /**
     * One socket with {@code cores} single-threaded cores, as the seed's {@code smp} argument meant.
     *
     * @param cores the number of cores (and vCPUs)
     * @return the topology
     */
    public static Smp cores(int cores) {
        return new Smp(1, cores, 1);
    }

    /** {@return the number of vCPUs: sockets * cores * threads} */
    public int vcpus() {
        return sockets * cores * threads;
    }
}
