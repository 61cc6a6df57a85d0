package io.qemureactor.core.fleet;

import java.util.Objects;

/**
 * A member, the host {@link Placement} chose for it and what that host's ledger set aside.
 *
 * @param member      the member
 * @param host        the host it was placed on
 * @param reservation what that host's ledger set aside for it
 */
public record PlacedMember(FleetMember member, FleetHost host, Reservation reservation) {

    /**
     * Validates the components.
     *
     * @param member the member
     * @param host the host it was placed on
     * @param reservation what that host's ledger set aside for it
     * @throws NullPointerException if a component is null
     */
    public PlacedMember {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(reservation, "reservation");
    }

    /**
     * The member's name.
     *
     * @return {@code member().name()}
     */
    public String name() {
        return member.name();
    }

    /** Gives the reservation back to the host's ledger; harmless when already given back. */
    public void release() {
        host.ledger().release(reservation);
    }
}
