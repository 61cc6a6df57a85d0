package io.qemureactor.core.spec;

/** Which side listens on a vhost-user socket. */
public enum VhostUserMode {
    /** QEMU listens ({@code server=on}) and waits for the back-end (e.g. VPP in client mode) to connect. */
    SERVER,
    /** QEMU connects to a socket the back-end listens on. */
    CLIENT
}
