package io.keyway.engine.placement;

import java.util.UUID;

/**
 * This node's hold on one account: the fencing {@code epoch} every order carries. A lease has no
 * time of its own: it is valid while its holder's heartbeat is (see {@link LeaseStore}), and this
 * node counts it valid only until its own heartbeat's local deadline ({@link PlacementLoop#lease}).
 */
public record Lease(UUID accountId, long epoch) {}
