package io.qemureactor.core.fleet;

import java.util.Objects;

/** A member, the host {@link Placement} chose for it and what that host's ledger set aside. */
public record PlacedMember(FleetMember member, FleetHost host, Reservation reservation) {

    public PlacedMember {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(reservation, "reservation");
    }

    public String name() {
        return member.name();
    }

    /** Gives the reservation back to the host's ledger; harmless when already given back. */
    public void release() {
        host.ledger().release(reservation);
    }
}
